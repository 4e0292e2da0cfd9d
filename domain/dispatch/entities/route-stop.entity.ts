import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Route } from './route.entity.js';
import { RoutePlan } from './route-plan.entity.js';
import { Shipment } from '../../shipping/entities/shipment.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `route_stop`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const RouteStop = defineEntity({
  name: 'RouteStop',
  tableName: 'route_stop',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    plan_id: () =>
      p
        .manyToOne(RoutePlan)
        .mapToPk()
        .fieldName('plan_id')
        .foreignKeyName('route_stop_plan_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    route_id: () =>
      p
        .manyToOne(Route)
        .mapToPk()
        .fieldName('route_id')
        .foreignKeyName('route_stop_route_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('route_stop_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    shipment_id: () =>
      p
        .manyToOne(Shipment)
        .mapToPk()
        .fieldName('shipment_id')
        .foreignKeyName('route_stop_shipment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    seq: p.integer(),
    status: p.enum(['planned', 'dispatched', 'delivered', 'failed']).defaultRaw("'planned'"),
    arrival_s: p.double().$type<number>(),
    eta_s: p.double().$type<number>(),
    departure_s: p.double().$type<number>(),
    load_after_weight_g: p.bigint('string').defaultRaw('0'),
    load_after_volume_mm3: p.bigint('string').defaultRaw('0'),
    failure_reason: p.text().nullable(),
    completed_at: p.datetime().nullable(),
    arrived_at: p.datetime().nullable(),
    failure_code: p.text().nullable(),
    notified_eta_s: p.double().$type<number>().nullable(),
    nearby_notified_at: p.datetime().nullable(),
    delayed_notified_at: p.datetime().nullable(),
  },
  indexes: [{ name: 'route_stop_route_idx', properties: ['route_id', 'seq'] }],
  uniques: [
    { name: 'route_stop_plan_id_shipment_id_key', properties: ['plan_id', 'shipment_id'] },
    { name: 'route_stop_seq_uq', properties: ['route_id', 'seq'], deferMode: 'deferred' },
  ],
});
export type RouteStop = InferEntity<typeof RouteStop>;
/** A `route_stop` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type RouteStopRow = RowOf<typeof RouteStop>;
