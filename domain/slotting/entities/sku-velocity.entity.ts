import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';
import { SlottingRun } from './slotting-run.entity.js';

/** Table `sku_velocity`: the last velocity run's figures per warehouse and SKU. Schema only through migrations/ (schema-drift test). */
export const SkuVelocity = defineEntity({
  name: 'SkuVelocity',
  tableName: 'sku_velocity',
  properties: {
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('sku_velocity_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('sku_velocity_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    run_id: () =>
      p
        .manyToOne(SlottingRun)
        .mapToPk()
        .fieldName('run_id')
        .foreignKeyName('sku_velocity_run_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    picks: p.integer(),
    units: p.integer(),
    orders: p.integer(),
    picks_per_week: p.decimal().precision(12).scale(3),
    cube_per_order_index: p.decimal().precision(18).scale(3).nullable(),
    velocity_class: p.enum(['A', 'B', 'C']).columnType('char(1)'),
    rank: p.integer(),
    computed_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'sku_velocity_class_idx', properties: ['warehouse_id', 'velocity_class', 'rank'] }],
});
export type SkuVelocity = InferEntity<typeof SkuVelocity>;
/** A `sku_velocity` row as raw SQL returns it. */
export type SkuVelocityRow = RowOf<typeof SkuVelocity>;
