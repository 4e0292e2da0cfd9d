import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `box_type`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const BoxType = defineEntity({
  name: 'BoxType',
  tableName: 'box_type',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('box_type_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    code: p.text(),
    inner_length_mm: p.integer(),
    inner_width_mm: p.integer(),
    inner_height_mm: p.integer(),
    max_weight_g: p.integer(),
    tare_g: p.integer().defaultRaw('0'),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'box_type_warehouse_id_code_key', properties: ['warehouse_id', 'code'] }],
});
export type BoxType = InferEntity<typeof BoxType>;
/** A `box_type` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type BoxTypeRow = RowOf<typeof BoxType>;
