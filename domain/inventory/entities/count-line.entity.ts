import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CountTask } from './count-task.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `count_line`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const CountLine = defineEntity({
  name: 'CountLine',
  tableName: 'count_line',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    task_id: () =>
      p
        .manyToOne(CountTask)
        .mapToPk()
        .fieldName('task_id')
        .foreignKeyName('count_line_task_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    round: p.integer(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('count_line_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    lot: p.text().nullable(),
    expiry: p.date().nullable(),
    lpn_id: p.uuid().nullable(),
    expected_qty: p.integer(),
    counted_qty: p.integer(),
    counted_by: p.uuid().nullable(),
    counted_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [
    {
      name: 'count_line_task_id_round_sku_id_lot_expiry_lpn_id_key',
      properties: ['task_id', 'round', 'sku_id', 'lot', 'expiry', 'lpn_id'],
    },
  ],
});
export type CountLine = InferEntity<typeof CountLine>;
/** A `count_line` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type CountLineRow = RowOf<typeof CountLine>;
