import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Location } from '../../layout/entities/location.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `count_task`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const CountTask = defineEntity({
  name: 'CountTask',
  tableName: 'count_task',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('count_task_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    kind: p.enum(['location', 'sku', 'abc']),
    location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('location_id')
        .foreignKeyName('count_task_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('count_task_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    blind: p.boolean().defaultRaw('true'),
    status: p.enum(['open', 'recount', 'pending_approval', 'completed', 'rejected', 'cancelled']).defaultRaw("'open'"),
    round: p.integer().defaultRaw('1'),
    variance_threshold_pct: p.decimal().precision(6).scale(2).defaultRaw('5'),
    variance_threshold_qty: p.integer().defaultRaw('2'),
    abc_class: p.character().length(1).nullable(),
    assigned_to: p.uuid().nullable(),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    counted_at: p.datetime().nullable(),
    completed_at: p.datetime().nullable(),
    approved_by: p.uuid().nullable(),
  },
  indexes: [
    { name: 'count_task_location_idx', properties: ['location_id', 'completed_at'] },
    { name: 'count_task_wh_status_idx', properties: ['warehouse_id', 'status', 'created_at'] },
  ],
});
export type CountTask = InferEntity<typeof CountTask>;
/** A `count_task` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type CountTaskRow = RowOf<typeof CountTask>;
