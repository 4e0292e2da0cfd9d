import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { StockBalance } from './stock-balance.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `stock_reservation`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const StockReservation = defineEntity({
  name: 'StockReservation',
  tableName: 'stock_reservation',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('stock_reservation_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    balance_id: () =>
      p
        .manyToOne(StockBalance)
        .mapToPk()
        .fieldName('balance_id')
        .foreignKeyName('stock_reservation_balance_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('stock_reservation_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    qty: p.integer(),
    consumed_qty: p.integer().defaultRaw('0'),
    status: p.enum(['pending', 'posted', 'released']).defaultRaw("'pending'"),
    ref_type: p.text(),
    ref_id: p.text(),
    created_at: p.datetime().defaultRaw('now()'),
    closed_at: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'stock_reservation_balance_idx',
      expression:
        "CREATE INDEX stock_reservation_balance_idx ON public.stock_reservation USING btree (balance_id) WHERE (status = 'pending'::text)",
    },
    {
      name: 'stock_reservation_ref_idx',
      expression:
        "CREATE INDEX stock_reservation_ref_idx ON public.stock_reservation USING btree (ref_type, ref_id) WHERE (status = 'pending'::text)",
    },
  ],
});
export type StockReservation = InferEntity<typeof StockReservation>;
/** A `stock_reservation` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type StockReservationRow = RowOf<typeof StockReservation>;
