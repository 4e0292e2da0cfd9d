import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { routePlanLifecycle } from '../route-plan.lifecycle.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `route_plan`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const RoutePlan = defineEntity({
  name: 'RoutePlan',
  tableName: 'route_plan',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('route_plan_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    delivery_date: p.date(),
    status: p.enum([...routePlanLifecycle.states]).defaultRaw("'queued'"),
    version: p.integer().defaultRaw('1'),
    solved_version: p.integer().nullable(),
    vehicle_ids: p.array().columnType('uuid[]').nullable(),
    broken_vehicle_ids: p.array().columnType('uuid[]').defaultRaw("'{}'"),
    time_limit_s: p.integer(),
    seed: p.integer().defaultRaw('1'),
    cancel_requested: p.boolean().defaultRaw('false'),
    best_cost: p.double().$type<number>().nullable(),
    cost: p.double().$type<number>().nullable(),
    distance_m: p.double().$type<number>().nullable(),
    duration_s: p.double().$type<number>().nullable(),
    vehicles_used: p.integer().nullable(),
    iterations: p.bigint('string').nullable(),
    unassigned_shipment_ids: p.array().columnType('uuid[]').defaultRaw("'{}'"),
    /** [{shipmentId, reason}]: why the solver left each out. */
    unassigned: p.json<unknown>().defaultRaw("'[]'"),
    error: p.text().nullable(),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    started_at: p.datetime().nullable(),
    finished_at: p.datetime().nullable(),
    updated_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'route_plan_wh_date_idx', properties: ['warehouse_id', 'delivery_date', 'created_at'] }],
});
export type RoutePlan = InferEntity<typeof RoutePlan>;
/** A `route_plan` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type RoutePlanRow = RowOf<typeof RoutePlan>;
