import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Supplier } from './supplier.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `purchase_order`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const PurchaseOrder = defineEntity({
  name: 'PurchaseOrder',
  tableName: 'purchase_order',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('purchase_order_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    supplier_id: () =>
      p
        .manyToOne(Supplier)
        .mapToPk()
        .fieldName('supplier_id')
        .foreignKeyName('purchase_order_supplier_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    reference: p.text(),
    status: p.enum(['open', 'closed', 'cancelled']).defaultRaw("'open'"),
    expected_at: p.datetime().nullable(),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'purchase_order_warehouse_id_reference_key', properties: ['warehouse_id', 'reference'] }],
});
export type PurchaseOrder = InferEntity<typeof PurchaseOrder>;
/** A `purchase_order` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type PurchaseOrderRow = RowOf<typeof PurchaseOrder>;
