import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Location } from '../../layout/entities/location.entity.js';
import { PurchaseOrder } from './purchase-order.entity.js';
import { Supplier } from './supplier.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { asnLifecycle } from '../asn.lifecycle.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `asn`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Asn = defineEntity({
  name: 'Asn',
  tableName: 'asn',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('asn_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    supplier_id: () =>
      p
        .manyToOne(Supplier)
        .mapToPk()
        .fieldName('supplier_id')
        .foreignKeyName('asn_supplier_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    po_id: () =>
      p
        .manyToOne(PurchaseOrder)
        .mapToPk()
        .fieldName('po_id')
        .foreignKeyName('asn_po_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    reference: p.text(),
    status: p.enum([...asnLifecycle.states]).defaultRaw("'expected'"),
    expected_at: p.datetime().nullable(),
    dock_door: p.text().nullable(),
    dock_location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('dock_location_id')
        .foreignKeyName('asn_dock_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    arrived_at: p.datetime().nullable(),
    closed_at: p.datetime().nullable(),
    stocked_at: p.datetime().nullable(),
    discrepancies: p.json<unknown>().nullable(),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'asn_wh_status_idx', properties: ['warehouse_id', 'status', 'created_at'] }],
  uniques: [{ name: 'asn_warehouse_id_reference_key', properties: ['warehouse_id', 'reference'] }],
});
export type Asn = InferEntity<typeof Asn>;
/** A `asn` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type AsnRow = RowOf<typeof Asn>;
