import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Carrier } from './carrier.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `rate_card`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const RateCard = defineEntity({
  name: 'RateCard',
  tableName: 'rate_card',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    carrier_id: () =>
      p
        .manyToOne(Carrier)
        .mapToPk()
        .fieldName('carrier_id')
        .foreignKeyName('rate_card_carrier_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    service_code: p.text(),
    version: p.integer(),
    effective_from: p.date(),
    effective_to: p.date().nullable(),
    currency: p.character().length(3),
    body: p.json<unknown>(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'rate_card_carrier_id_service_code_version_key', properties: ['carrier_id', 'service_code', 'version'] }],
});
export type RateCard = InferEntity<typeof RateCard>;
/** A `rate_card` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type RateCardRow = RowOf<typeof RateCard>;
