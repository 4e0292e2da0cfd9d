import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Location } from '../../layout/entities/location.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { StockBalance } from './stock-balance.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `stock_movement`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const StockMovement = defineEntity({
  name: 'StockMovement',
  tableName: 'stock_movement',
  properties: {
    id: p.bigint('string').generated('identity').autoincrement().primary(),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('stock_movement_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    type: p.enum(['receipt', 'putaway', 'move', 'pick', 'pack', 'ship', 'adjust', 'count', 'return', 'scrap']),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('stock_movement_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    qty: p.integer(),
    from_balance_id: () =>
      p
        .manyToOne(StockBalance)
        .mapToPk()
        .fieldName('from_balance_id')
        .foreignKeyName('stock_movement_from_balance_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    from_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('from_location_id')
        .foreignKeyName('stock_movement_from_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    from_virtual: p.text().nullable(),
    from_lot: p.text().nullable(),
    from_expiry: p.date().nullable(),
    from_lpn_id: p.uuid().nullable(),
    from_status: p.text().nullable(),
    to_balance_id: () =>
      p
        .manyToOne(StockBalance)
        .mapToPk()
        .fieldName('to_balance_id')
        .foreignKeyName('stock_movement_to_balance_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    to_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('to_location_id')
        .foreignKeyName('stock_movement_to_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    to_virtual: p.text().nullable(),
    to_lot: p.text().nullable(),
    to_expiry: p.date().nullable(),
    to_lpn_id: p.uuid().nullable(),
    to_status: p.text().nullable(),
    reason_code: p.text().nullable(),
    user_id: p.uuid().nullable(),
    device_id: p.text().nullable(),
    ref_type: p.text().nullable(),
    ref_id: p.text().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'stock_movement_created_idx', properties: ['warehouse_id', 'created_at'] },
    {
      name: 'stock_movement_from_bal_idx',
      expression:
        'CREATE INDEX stock_movement_from_bal_idx ON public.stock_movement USING btree (from_balance_id, created_at) WHERE (from_balance_id IS NOT NULL)',
    },
    {
      name: 'stock_movement_ref_idx',
      expression: 'CREATE INDEX stock_movement_ref_idx ON public.stock_movement USING btree (ref_type, ref_id) WHERE (ref_id IS NOT NULL)',
    },
    { name: 'stock_movement_sku_idx', properties: ['sku_id', 'id'] },
    {
      name: 'stock_movement_to_bal_idx',
      expression:
        'CREATE INDEX stock_movement_to_bal_idx ON public.stock_movement USING btree (to_balance_id, created_at) WHERE (to_balance_id IS NOT NULL)',
    },
    { name: 'stock_movement_wh_idx', properties: ['warehouse_id', 'id'] },
  ],
});
export type StockMovement = InferEntity<typeof StockMovement>;
/** A `stock_movement` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type StockMovementRow = RowOf<typeof StockMovement>;
