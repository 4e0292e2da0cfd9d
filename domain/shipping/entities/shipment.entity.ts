import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Consignment } from './consignment.entity.js';
import { Manifest } from './manifest.entity.js';
import { PackSession } from '../../packing/entities/pack-session.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { Wave } from '../../picking/entities/wave.entity.js';
import { shipmentLifecycle } from '../shipment.lifecycle.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `shipment`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Shipment = defineEntity({
  name: 'Shipment',
  tableName: 'shipment',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('shipment_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    order_id: p.uuid().nullable(),
    status: p.enum([...shipmentLifecycle.states]).defaultRaw("'created'"),
    carrier_code: p.text().nullable(),
    service_code: p.text().nullable(),
    tracking_number: p.text().nullable(),
    box_id: p.text().nullable(),
    weight_g: p.integer().defaultRaw('0'),
    length_mm: p.integer().defaultRaw('0'),
    width_mm: p.integer().defaultRaw('0'),
    height_mm: p.integer().defaultRaw('0'),
    volume_mm3: p.bigint('string').defaultRaw('0'),
    ship_to: p.json<unknown>().defaultRaw("'{}'"),
    lat: p.double().$type<number>().nullable(),
    lng: p.double().$type<number>().nullable(),
    delivery_date: p.date().nullable(),
    window_start_s: p.integer().nullable(),
    window_end_s: p.integer().nullable(),
    service_time_s: p.integer().defaultRaw('300'),
    /** Stop-side routing rules (issue 17, set through POST /v1/route-plans stopRules). */
    required_skills: p.array().defaultRaw("'{}'"),
    pallets: p.integer().defaultRaw('0'),
    delivery_priority: p.integer().defaultRaw('0'),
    optional_stop: p.boolean().defaultRaw('false'),
    drop_penalty_minor: p.bigint('string').nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    updated_at: p.datetime().defaultRaw('now()'),
    wave_id: () =>
      p
        .manyToOne(Wave)
        .mapToPk()
        .fieldName('wave_id')
        .foreignKeyName('shipment_wave_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    pack_session_id: () =>
      p
        .manyToOne(PackSession)
        .mapToPk()
        .fieldName('pack_session_id')
        .foreignKeyName('shipment_pack_session_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    carton_no: p.integer().nullable(),
    expected_weight_g: p.integer().nullable(),
    contents: p.json<unknown>().defaultRaw("'[]'"),
    packed_by: p.uuid().nullable(),
    packed_at: p.datetime().nullable(),
    sscc: p.text().nullable(),
    delivery_mode: p.enum(['own_fleet', 'parcel', 'consolidation', 'ltl', '3pl']).nullable(),
    promise_date: p.date().nullable(),
    estimated_delivery: p.date().nullable(),
    tracking_status: p.text().nullable(),
    manifest_id: () =>
      p
        .manyToOne(Manifest)
        .mapToPk()
        .fieldName('manifest_id')
        .foreignKeyName('shipment_manifest_fk')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    late_risk: p.boolean().defaultRaw('false'),
    selection: p.json<unknown>().nullable(),
    labelled_at: p.datetime().nullable(),
    shipped_at: p.datetime().nullable(),
    consignment_id: () =>
      p
        .manyToOne(Consignment)
        .mapToPk()
        .fieldName('consignment_id')
        .foreignKeyName('shipment_consignment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    quoted_cost_minor: p.integer().nullable(),
    quoted_currency: p.character().length(3).nullable(),
  },
  indexes: [
    {
      name: 'shipment_own_fleet_day_idx',
      expression:
        "CREATE INDEX shipment_own_fleet_day_idx ON public.shipment USING btree (warehouse_id, delivery_date) WHERE (carrier_code = 'own-fleet'::text)",
    },
    {
      name: 'shipment_tracking_idx',
      expression:
        'CREATE INDEX shipment_tracking_idx ON public.shipment USING btree (carrier_code, tracking_number) WHERE (tracking_number IS NOT NULL)',
    },
    { name: 'shipment_wh_created_idx', properties: ['warehouse_id', 'created_at', 'id'] },
    { name: 'shipment_wh_status_idx', properties: ['warehouse_id', 'status'] },
  ],
  uniques: [
    {
      name: 'shipment_carton_uq',
      expression:
        'CREATE UNIQUE INDEX shipment_carton_uq ON public.shipment USING btree (pack_session_id, carton_no) WHERE (pack_session_id IS NOT NULL)',
    },
    { name: 'shipment_sscc_key', properties: ['sscc'] },
  ],
});
export type Shipment = InferEntity<typeof Shipment>;
/** A `shipment` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ShipmentRow = RowOf<typeof Shipment>;
