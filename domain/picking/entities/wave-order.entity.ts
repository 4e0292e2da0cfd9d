import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { Wave } from './wave.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `wave_order`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const WaveOrder = defineEntity({
  name: 'WaveOrder',
  tableName: 'wave_order',
  properties: {
    wave_id: () =>
      p
        .manyToOne(Wave)
        .mapToPk()
        .fieldName('wave_id')
        .foreignKeyName('wave_order_wave_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action')
        .primary(),
    order_id: p.uuid().primary(),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('wave_order_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    status: p.enum(['planned', 'released', 'picked', 'packed', 'removed']).defaultRaw("'planned'"),
    line_count: p.integer().defaultRaw('0'),
    unit_count: p.integer().defaultRaw('0'),
  },
  uniques: [
    {
      name: 'wave_order_live_uq',
      expression: "CREATE UNIQUE INDEX wave_order_live_uq ON public.wave_order USING btree (order_id) WHERE (status <> 'removed'::text)",
    },
  ],
});
export type WaveOrder = InferEntity<typeof WaveOrder>;
/** A `wave_order` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WaveOrderRow = RowOf<typeof WaveOrder>;
