import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppUser } from '../../identity/entities/app-user.entity.js';
import { Location } from '../../layout/entities/location.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { Wave } from '../../picking/entities/wave.entity.js';
import { Zone } from '../../layout/entities/zone.entity.js';
import { taskLifecycle } from '../task.lifecycle.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `task`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Task = defineEntity({
  name: 'Task',
  tableName: 'task',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('task_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    type: p.enum(['putaway', 'replenish', 'pick', 'pack', 'count', 'load', 'putback', 'move']),
    status: p.enum([...taskLifecycle.states]).defaultRaw("'open'"),
    priority: p.integer().defaultRaw('50'),
    roles: p.array(),
    equipment: p.text().nullable(),
    zone_id: () =>
      p
        .manyToOne(Zone)
        .mapToPk()
        .fieldName('zone_id')
        .foreignKeyName('task_zone_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    wave_id: () =>
      p
        .manyToOne(Wave)
        .mapToPk()
        .fieldName('wave_id')
        .foreignKeyName('task_wave_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    order_id: p.uuid().nullable(),
    reserved_for: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('reserved_for')
        .foreignKeyName('task_reserved_for_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    assignee_id: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('assignee_id')
        .foreignKeyName('task_assignee_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    device_id: p.text().nullable(),
    lease_expires_at: p.datetime().nullable(),
    due_at: p.datetime().nullable(),
    from_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('from_location_id')
        .foreignKeyName('task_from_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    to_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('to_location_id')
        .foreignKeyName('task_to_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('task_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    lot: p.text().nullable(),
    qty: p.integer().defaultRaw('0'),
    qty_done: p.integer().defaultRaw('0'),
    x_mm: p.integer().nullable(),
    y_mm: p.integer().nullable(),
    ref_type: p.text().nullable(),
    ref_id: p.text().nullable(),
    exception: p.json<unknown>().nullable(),
    details: p.json<unknown>().defaultRaw("'{}'"),
    claim_count: p.integer().defaultRaw('0'),
    version: p.integer().defaultRaw('0'),
    created_at: p.datetime().defaultRaw('now()'),
    updated_at: p.datetime().defaultRaw('now()'),
    claimed_at: p.datetime().nullable(),
    completed_at: p.datetime().nullable(),
  },
  indexes: [
    { name: 'task_order_idx', properties: ['order_id'] },
    {
      name: 'task_pool_idx',
      expression:
        "CREATE INDEX task_pool_idx ON public.task USING btree (warehouse_id, priority DESC, created_at) WHERE (status = 'open'::text)",
    },
    { name: 'task_wave_idx', properties: ['wave_id'] },
  ],
  uniques: [
    {
      name: 'task_one_active_uq',
      expression:
        "CREATE UNIQUE INDEX task_one_active_uq ON public.task USING btree (assignee_id) WHERE (status = ANY (ARRAY['claimed'::text, 'in_progress'::text]))",
    },
    {
      name: 'task_ref_uq',
      expression:
        "CREATE UNIQUE INDEX task_ref_uq ON public.task USING btree (warehouse_id, type, ref_type, ref_id) WHERE ((ref_type IS NOT NULL) AND (status <> 'cancelled'::text))",
    },
    {
      name: 'task_replenish_live_uq',
      expression:
        "CREATE UNIQUE INDEX task_replenish_live_uq ON public.task USING btree (to_location_id, sku_id) WHERE ((type = 'replenish'::text) AND (status = ANY (ARRAY['open'::text, 'claimed'::text, 'in_progress'::text])))",
    },
  ],
});
export type Task = InferEntity<typeof Task>;
/** A `task` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type TaskRow = RowOf<typeof Task>;
