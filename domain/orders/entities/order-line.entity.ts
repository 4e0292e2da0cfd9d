import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { SalesOrder } from './sales-order.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `order_line`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const OrderLine = defineEntity({
  name: 'OrderLine',
  tableName: 'order_line',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    order_id: () =>
      p
        .manyToOne(SalesOrder)
        .mapToPk()
        .fieldName('order_id')
        .foreignKeyName('order_line_order_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    line_no: p.integer(),
    external_line_id: p.text().nullable(),
    external_sku: p.text().nullable(),
    external_ref: p.text().nullable(),
    barcode: p.text().nullable(),
    name: p.text().defaultRaw("''"),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('order_line_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    qty: p.integer(),
    allocated_qty: p.integer().defaultRaw('0'),
    picked_qty: p.integer().defaultRaw('0'),
    shipped_qty: p.integer().defaultRaw('0'),
    unit_price_minor: p.bigint('string').defaultRaw('0'),
    discount_minor: p.bigint('string').defaultRaw('0'),
  },
  indexes: [
    {
      name: 'order_line_sku_idx',
      expression: 'CREATE INDEX order_line_sku_idx ON public.order_line USING btree (sku_id) WHERE (allocated_qty < qty)',
    },
  ],
  uniques: [{ name: 'order_line_order_id_line_no_key', properties: ['order_id', 'line_no'] }],
});
export type OrderLine = InferEntity<typeof OrderLine>;
/** A `order_line` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type OrderLineRow = RowOf<typeof OrderLine>;
