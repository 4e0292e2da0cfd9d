import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { RouteStop } from './route-stop.entity.js';
import { Shipment } from '../../shipping/entities/shipment.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `proof_of_delivery`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ProofOfDelivery = defineEntity({
  name: 'ProofOfDelivery',
  tableName: 'proof_of_delivery',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('proof_of_delivery_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    stop_id: () =>
      p
        .manyToOne(RouteStop)
        .mapToPk()
        .fieldName('stop_id')
        .foreignKeyName('proof_of_delivery_stop_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    shipment_id: () =>
      p
        .manyToOne(Shipment)
        .mapToPk()
        .fieldName('shipment_id')
        .foreignKeyName('proof_of_delivery_shipment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    outcome: p.enum(['delivered', 'failed']),
    photo: p.text().nullable(),
    signature: p.text().nullable(),
    recipient_name: p.text().nullable(),
    notes: p.text().nullable(),
    lat: p.double().$type<number>().nullable(),
    lng: p.double().$type<number>().nullable(),
    distance_m: p.double().$type<number>().nullable(),
    captured_at: p.datetime(),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'proof_of_delivery_stop_idx', properties: ['stop_id'] }],
});
export type ProofOfDelivery = InferEntity<typeof ProofOfDelivery>;
/** A `proof_of_delivery` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ProofOfDeliveryRow = RowOf<typeof ProofOfDelivery>;
