import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Shipment } from './shipment.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `shipment_label`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ShipmentLabel = defineEntity({
  name: 'ShipmentLabel',
  tableName: 'shipment_label',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    shipment_id: () =>
      p
        .manyToOne(Shipment)
        .mapToPk()
        .fieldName('shipment_id')
        .foreignKeyName('shipment_label_shipment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    idempotency_key: p.text().nullable(),
    carrier_code: p.text(),
    service_code: p.text(),
    tracking_number: p.text(),
    sscc: p.text(),
    zpl: p.text(),
    status: p.enum(['active', 'voided']).defaultRaw("'active'"),
    print_count: p.integer().defaultRaw('1'),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    voided_at: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'shipment_label_active_uq',
      expression:
        "CREATE UNIQUE INDEX shipment_label_active_uq ON public.shipment_label USING btree (shipment_id) WHERE (status = 'active'::text)",
    },
    { name: 'shipment_label_carrier_code_tracking_number_key', properties: ['carrier_code', 'tracking_number'] },
    {
      name: 'shipment_label_key_uq',
      expression:
        'CREATE UNIQUE INDEX shipment_label_key_uq ON public.shipment_label USING btree (shipment_id, idempotency_key) WHERE (idempotency_key IS NOT NULL)',
    },
  ],
});
export type ShipmentLabel = InferEntity<typeof ShipmentLabel>;
/** A `shipment_label` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ShipmentLabelRow = RowOf<typeof ShipmentLabel>;
