import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Driver } from './driver.entity.js';
import { RoutePlan } from './route-plan.entity.js';
import { Vehicle } from './vehicle.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `route`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Route = defineEntity({
  name: 'Route',
  tableName: 'route',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    plan_id: () =>
      p
        .manyToOne(RoutePlan)
        .mapToPk()
        .fieldName('plan_id')
        .foreignKeyName('route_plan_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('route_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    vehicle_id: () =>
      p
        .manyToOne(Vehicle)
        .mapToPk()
        .fieldName('vehicle_id')
        .foreignKeyName('route_vehicle_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    driver_id: () =>
      p
        .manyToOne(Driver)
        .mapToPk()
        .fieldName('driver_id')
        .foreignKeyName('route_driver_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    status: p.enum(['planned', 'dispatched', 'completed', 'broken_down']).defaultRaw("'planned'"),
    start_s: p.double().$type<number>(),
    end_s: p.double().$type<number>(),
    load_weight_g: p.bigint('string').defaultRaw('0'),
    load_volume_mm3: p.bigint('string').defaultRaw('0'),
    distance_m: p.double().$type<number>().defaultRaw('0'),
    duration_s: p.double().$type<number>().defaultRaw('0'),
    cost: p.double().$type<number>().defaultRaw('0'),
    dispatched_at: p.datetime().nullable(),
    /** Driver breaks as placed: [{id, afterStop, startS, endS}]. */
    breaks: p.json<unknown>().defaultRaw("'[]'"),
    started_at: p.datetime().nullable(),
  },
  uniques: [{ name: 'route_plan_id_vehicle_id_key', properties: ['plan_id', 'vehicle_id'] }],
});
export type Route = InferEntity<typeof Route>;
/** A `route` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type RouteRow = RowOf<typeof Route>;
