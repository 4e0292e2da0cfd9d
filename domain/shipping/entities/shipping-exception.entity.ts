import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Shipment } from './shipment.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `shipping_exception`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ShippingException = defineEntity({
  name: 'ShippingException',
  tableName: 'shipping_exception',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('shipping_exception_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    shipment_id: () =>
      p
        .manyToOne(Shipment)
        .mapToPk()
        .fieldName('shipment_id')
        .foreignKeyName('shipping_exception_shipment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    kind: p.text(),
    message: p.text(),
    created_at: p.datetime().defaultRaw('now()'),
    resolved_at: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'shipping_exception_open_uq',
      expression:
        'CREATE UNIQUE INDEX shipping_exception_open_uq ON public.shipping_exception USING btree (shipment_id, kind) WHERE (resolved_at IS NULL)',
    },
  ],
});
export type ShippingException = InferEntity<typeof ShippingException>;
/** A `shipping_exception` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ShippingExceptionRow = RowOf<typeof ShippingException>;
