import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from './warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `zone`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Zone = defineEntity({
  name: 'Zone',
  tableName: 'zone',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('zone_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    code: p.text(),
    name: p.text(),
    temperature_class: p.enum(['ambient', 'chilled', 'frozen']).defaultRaw("'ambient'"),
    hazmat_allowed: p.boolean().defaultRaw('false'),
  },
  uniques: [{ name: 'zone_warehouse_id_code_key', properties: ['warehouse_id', 'code'] }],
});
export type Zone = InferEntity<typeof Zone>;
/** A `zone` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ZoneRow = RowOf<typeof Zone>;
