import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PurchaseOrder } from './purchase-order.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `purchase_order_line`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const PurchaseOrderLine = defineEntity({
  name: 'PurchaseOrderLine',
  tableName: 'purchase_order_line',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    po_id: () =>
      p
        .manyToOne(PurchaseOrder)
        .mapToPk()
        .fieldName('po_id')
        .foreignKeyName('purchase_order_line_po_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    line_no: p.integer(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('purchase_order_line_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    qty_ordered: p.integer(),
    qty_received: p.integer().defaultRaw('0'),
  },
  uniques: [{ name: 'purchase_order_line_po_id_line_no_key', properties: ['po_id', 'line_no'] }],
});
export type PurchaseOrderLine = InferEntity<typeof PurchaseOrderLine>;
/** A `purchase_order_line` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type PurchaseOrderLineRow = RowOf<typeof PurchaseOrderLine>;
