import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Carrier } from './carrier.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `carrier_service`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const CarrierService = defineEntity({
  name: 'CarrierService',
  tableName: 'carrier_service',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    carrier_id: () =>
      p
        .manyToOne(Carrier)
        .mapToPk()
        .fieldName('carrier_id')
        .foreignKeyName('carrier_service_carrier_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    code: p.text(),
    name: p.text(),
    transit_days_by_zone: p.json<unknown>().defaultRaw("'{}'"),
    default_transit_days: p.integer().defaultRaw('3'),
    cutoff_local: p.time().$type<string>().defaultRaw("'17:00:00'"),
    time_zone: p.text().defaultRaw("'UTC'"),
    pickup_weekdays: p.array<number>(Number).columnType('int4[]').defaultRaw("'{1,2,3,4,5}'"),
    delivery_weekdays: p.array<number>(Number).columnType('int4[]').defaultRaw("'{1,2,3,4,5}'"),
    perishable_ok: p.boolean().defaultRaw('false'),
    max_declared_value_minor: p.bigint('string').nullable(),
    active: p.boolean().defaultRaw('true'),
  },
  uniques: [{ name: 'carrier_service_carrier_id_code_key', properties: ['carrier_id', 'code'] }],
});
export type CarrierService = InferEntity<typeof CarrierService>;
/** A `carrier_service` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type CarrierServiceRow = RowOf<typeof CarrierService>;
