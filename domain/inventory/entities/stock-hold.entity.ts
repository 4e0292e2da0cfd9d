import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Location } from '../../layout/entities/location.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `stock_hold`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const StockHold = defineEntity({
  name: 'StockHold',
  tableName: 'stock_hold',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('stock_hold_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('stock_hold_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    lot: p.text().nullable(),
    location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('location_id')
        .foreignKeyName('stock_hold_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    reason: p.text(),
    active: p.boolean().defaultRaw('true'),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    released_by: p.uuid().nullable(),
    released_at: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'stock_hold_active_idx',
      expression: 'CREATE INDEX stock_hold_active_idx ON public.stock_hold USING btree (sku_id) WHERE active',
    },
  ],
});
export type StockHold = InferEntity<typeof StockHold>;
/** A `stock_hold` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type StockHoldRow = RowOf<typeof StockHold>;
