import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { LicensePlate } from '../../inventory/entities/license-plate.entity.js';
import { Task } from '../../tasks/entities/task.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `tote`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Tote = defineEntity({
  name: 'Tote',
  tableName: 'tote',
  properties: {
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('tote_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    code: p.text().primary(),
    status: p.enum(['free', 'in_use', 'at_pack']).defaultRaw("'free'"),
    lpn_id: () =>
      p
        .manyToOne(LicensePlate)
        .mapToPk()
        .fieldName('lpn_id')
        .foreignKeyName('tote_lpn_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    order_id: p.uuid().nullable(),
    task_id: () =>
      p
        .manyToOne(Task)
        .mapToPk()
        .fieldName('task_id')
        .foreignKeyName('tote_task_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    updated_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    {
      name: 'tote_order_idx',
      expression: 'CREATE INDEX tote_order_idx ON public.tote USING btree (order_id) WHERE (order_id IS NOT NULL)',
    },
  ],
});
export type Tote = InferEntity<typeof Tote>;
/** A `tote` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ToteRow = RowOf<typeof Tote>;
