import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { LicensePlate } from './license-plate.entity.js';
import { Location } from '../../layout/entities/location.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `stock_balance`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const StockBalance = defineEntity({
  name: 'StockBalance',
  tableName: 'stock_balance',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('stock_balance_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('location_id')
        .foreignKeyName('stock_balance_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    /** The location's code, for item and LPN scans' lists (migrations/…200101_balance_location_code.ts); null = read it from location. */
    location_code: p.text().nullable(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('stock_balance_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    /** The SKU's code, for a location scan's list (migrations/…164502_balance_sku_code.ts); null = read it from sku. */
    sku_code: p.text().nullable(),
    lot: p.text().nullable(),
    expiry: p.date().nullable(),
    lpn_id: () =>
      p
        .manyToOne(LicensePlate)
        .mapToPk()
        .fieldName('lpn_id')
        .foreignKeyName('stock_balance_lpn_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    status: p.enum(['available', 'quarantine', 'damaged']).defaultRaw("'available'"),
    on_hand: p.integer().defaultRaw('0'),
    reserved: p.integer().defaultRaw('0'),
    first_received_at: p.datetime().defaultRaw('now()'),
    updated_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    {
      name: 'stock_balance_expiry_idx',
      expression:
        'CREATE INDEX stock_balance_expiry_idx ON public.stock_balance USING btree (warehouse_id, expiry) WHERE ((expiry IS NOT NULL) AND (on_hand > 0))',
    },
    {
      name: 'stock_balance_location_idx',
      expression:
        'CREATE INDEX stock_balance_location_idx ON public.stock_balance USING btree (location_id) INCLUDE (sku_id, sku_code, lot, expiry, lpn_id, status, on_hand, reserved, updated_at, id) WHERE (on_hand > 0)',
    },
    {
      name: 'stock_balance_lot_idx',
      expression: 'CREATE INDEX stock_balance_lot_idx ON public.stock_balance USING btree (sku_id, lot) WHERE (lot IS NOT NULL)',
    },
    {
      name: 'stock_balance_lpn_idx',
      expression:
        'CREATE INDEX stock_balance_lpn_idx ON public.stock_balance USING btree (lpn_id) INCLUDE (location_id, location_code, sku_id, sku_code, lot, expiry, status, on_hand, reserved, updated_at, id) WHERE (lpn_id IS NOT NULL)',
    },
    {
      name: 'stock_balance_sku_idx',
      expression:
        'CREATE INDEX stock_balance_sku_idx ON public.stock_balance USING btree (sku_id, warehouse_id) INCLUDE (location_id, location_code, lot, expiry, lpn_id, status, on_hand, reserved, updated_at, id) WHERE (on_hand > 0)',
    },
    { name: 'stock_balance_wh_id_idx', properties: ['warehouse_id', 'id'] },
  ],
  uniques: [{ name: 'stock_balance_key', properties: ['location_id', 'sku_id', 'lot', 'expiry', 'lpn_id', 'status'] }],
});
export type StockBalance = InferEntity<typeof StockBalance>;
/** A `stock_balance` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type StockBalanceRow = RowOf<typeof StockBalance>;
