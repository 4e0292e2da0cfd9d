import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `slotting_run`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const SlottingRun = defineEntity({
  name: 'SlottingRun',
  tableName: 'slotting_run',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('slotting_run_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    kind: p.enum(['velocity', 'reslot']),
    summary: p.json<unknown>().defaultRaw("'{}'"),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'slotting_run_wh_idx', properties: ['warehouse_id', 'kind', 'created_at'] }],
});
export type SlottingRun = InferEntity<typeof SlottingRun>;
/** A `slotting_run` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type SlottingRunRow = RowOf<typeof SlottingRun>;
