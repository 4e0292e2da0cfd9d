import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { AppUser } from '../../identity/entities/app-user.entity.js';
import { Location } from '../../layout/entities/location.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';
import { Task } from '../../tasks/entities/task.entity.js';
import { reslotMoveLifecycle } from '../reslot.lifecycle.js';
import { SlottingRun } from './slotting-run.entity.js';

/** Table `reslot_move`: one move of a re-slotting run, in execution order. Schema only through migrations/ (schema-drift test). */
export const ReslotMove = defineEntity({
  name: 'ReslotMove',
  tableName: 'reslot_move',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('reslot_move_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    run_id: () =>
      p
        .manyToOne(SlottingRun)
        .mapToPk()
        .fieldName('run_id')
        .foreignKeyName('reslot_move_run_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    seq: p.integer(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('reslot_move_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    kind: p.enum(['relocate', 'promote', 'demote', 'to_buffer', 'from_buffer']),
    from_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('from_location_id')
        .foreignKeyName('reslot_move_from_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    to_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('to_location_id')
        .foreignKeyName('reslot_move_to_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    depends_on: () =>
      p
        .manyToOne(ReslotMove)
        .mapToPk()
        .fieldName('depends_on')
        .foreignKeyName('reslot_move_depends_on_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    est_saved_mm_per_week: p.bigint('string').defaultRaw('0'),
    min_qty: p.integer().nullable(),
    max_qty: p.integer().nullable(),
    status: p.enum([...reslotMoveLifecycle.states]).defaultRaw("'proposed'"),
    task_id: () =>
      p
        .manyToOne(Task)
        .mapToPk()
        .fieldName('task_id')
        .foreignKeyName('reslot_move_task_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    decided_by: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('decided_by')
        .foreignKeyName('reslot_move_decided_by_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    decided_at: p.datetime().nullable(),
    done_at: p.datetime().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'reslot_move_wh_status_idx', properties: ['warehouse_id', 'status'] }],
  uniques: [
    { name: 'reslot_move_run_seq_key', properties: ['run_id', 'seq'] },
    {
      name: 'reslot_move_task_uq',
      expression: 'CREATE UNIQUE INDEX reslot_move_task_uq ON public.reslot_move USING btree (task_id) WHERE (task_id IS NOT NULL)',
    },
  ],
});
export type ReslotMove = InferEntity<typeof ReslotMove>;
/** A `reslot_move` row as raw SQL returns it. */
export type ReslotMoveRow = RowOf<typeof ReslotMove>;
