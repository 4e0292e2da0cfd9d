import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { LicensePlate } from '../../inventory/entities/license-plate.entity.js';
import { Location } from '../../layout/entities/location.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { Task } from './task.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `task_line`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const TaskLine = defineEntity({
  name: 'TaskLine',
  tableName: 'task_line',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    task_id: () =>
      p
        .manyToOne(Task)
        .mapToPk()
        .fieldName('task_id')
        .foreignKeyName('task_line_task_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('task_line_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    seq: p.integer(),
    order_id: p.uuid().nullable(),
    order_line_id: p.uuid().nullable(),
    reservation_id: p.uuid().nullable(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('task_line_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('location_id')
        .foreignKeyName('task_line_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    lot: p.text().nullable(),
    expiry: p.date().nullable(),
    qty: p.integer(),
    qty_picked: p.integer().defaultRaw('0'),
    qty_short: p.integer().defaultRaw('0'),
    tote_code: p.text().nullable(),
    cart_slot: p.integer().nullable(),
    from_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('from_location_id')
        .foreignKeyName('task_line_from_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    from_lpn_id: () =>
      p
        .manyToOne(LicensePlate)
        .mapToPk()
        .fieldName('from_lpn_id')
        .foreignKeyName('task_line_from_lpn_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    status: p.enum(['open', 'picked', 'short', 'cancelled']).defaultRaw("'open'"),
    picked_by: p.uuid().nullable(),
    picked_at: p.datetime().nullable(),
  },
  indexes: [{ name: 'task_line_order_idx', properties: ['order_id'] }],
  uniques: [{ name: 'task_line_task_id_seq_key', properties: ['task_id', 'seq'] }],
});
export type TaskLine = InferEntity<typeof TaskLine>;
/** A `task_line` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type TaskLineRow = RowOf<typeof TaskLine>;
