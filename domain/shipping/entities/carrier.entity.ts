import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `carrier`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Carrier = defineEntity({
  name: 'Carrier',
  tableName: 'carrier',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text(),
    name: p.text(),
    mode: p.enum(['own_fleet', 'parcel', 'ltl', '3pl']),
    tracking_url_template: p.text().nullable(),
    tracking_prefix: p.text().defaultRaw("'DS'"),
    holidays: p.array().columnType('date[]').defaultRaw("'{}'"),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'carrier_code_key', properties: ['code'] }],
});
export type Carrier = InferEntity<typeof Carrier>;
/** A `carrier` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type CarrierRow = RowOf<typeof Carrier>;
