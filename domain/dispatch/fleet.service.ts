import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { recordAudit } from '../identity/audit.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { emit } from '../events/outbox.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { CreateVehicle, VehicleView, createDriverBody } from './dispatch.schemas.js';
import type { AppUserRow } from '../identity/entities/app-user.entity.js';
import type { DriverRow } from './entities/driver.entity.js';
import type { RouteRow } from './entities/route.entity.js';

/** Vehicles and drivers of the own fleet. */

const VEHICLE_VIEW = `id, warehouse_id, code, name, capacity_weight_g, capacity_volume_mm3, cost_per_km_minor, cost_per_hour_minor, fixed_cost_minor,
  shift_start_s, shift_end_s, max_duration_s, depot_lat, depot_lng, active, created_at, capacity_pallets, skills, breaks, max_distance_m, open_route, fuel`;

function toView(r: Record<string, any>): VehicleView {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    code: r.code,
    name: r.name,
    capacityWeightG: Number(r.capacity_weight_g),
    capacityVolumeMm3: Number(r.capacity_volume_mm3),
    costPerKmMinor: r.cost_per_km_minor,
    costPerHourMinor: r.cost_per_hour_minor,
    fixedCostMinor: r.fixed_cost_minor,
    shiftStartS: r.shift_start_s,
    shiftEndS: r.shift_end_s,
    maxDurationS: r.max_duration_s ?? null,
    depotLat: Number(r.depot_lat),
    depotLng: Number(r.depot_lng),
    active: r.active,
    capacityPallets: r.capacity_pallets ?? null,
    skills: r.skills ?? [],
    breaks: r.breaks ?? [],
    maxDistanceM: r.max_distance_m ?? null,
    openRoute: r.open_route,
    fuel: r.fuel,
  };
}

export async function createVehicle(em: EntityManager, actor: Actor, v: CreateVehicle): Promise<VehicleView> {
  if (!canSeeWarehouse(actor, v.warehouseId)) throw new NotFound('Warehouse', v.warehouseId);
  if (await sqlOne(em, 'select 1 from vehicle where warehouse_id = ? and code = ?', [v.warehouseId, v.code]))
    throw new Conflict(`Vehicle ${v.code} exists`, 'vehicle-code-taken');
  const row = (await sqlOne<Record<string, any>>(
    em,
    `insert into vehicle (warehouse_id, code, name, capacity_weight_g, capacity_volume_mm3, cost_per_km_minor, cost_per_hour_minor,
    fixed_cost_minor, shift_start_s, shift_end_s, max_duration_s, depot_lat, depot_lng, capacity_pallets, skills, breaks, max_distance_m, open_route, fuel)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?::jsonb, ?, ?, ?) returning ${VEHICLE_VIEW}`,
    [
      v.warehouseId,
      v.code,
      v.name,
      v.capacityWeightG,
      v.capacityVolumeMm3,
      v.costPerKmMinor,
      v.costPerHourMinor,
      v.fixedCostMinor,
      v.shiftStartS,
      v.shiftEndS,
      v.maxDurationS,
      v.depotLat,
      v.depotLng,
      v.capacityPallets,
      `{${v.skills.join(',')}}`,
      JSON.stringify(v.breaks),
      v.maxDistanceM,
      v.openRoute,
      v.fuel,
    ],
  ))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'vehicle.created',
    objectType: 'vehicle',
    objectId: row.id,
    warehouseId: v.warehouseId,
  });
  return toView(row);
}

const vehicleKeys = keyset(['text']);

/** Vehicles of a warehouse by code, keyset-paginated on code. */
export async function listVehicles(em: EntityManager, actor: Actor, q: { warehouseId: string; cursor?: string; limit: number }) {
  if (!canSeeWarehouse(actor, q.warehouseId)) throw new NotFound('Warehouse', q.warehouseId);
  const after = vehicleKeys.after(q.cursor);
  const rows = await sql<Record<string, any>>(
    em,
    `select ${VEHICLE_VIEW} from vehicle where warehouse_id = ? and code > ? order by code limit ?`,
    [q.warehouseId, after?.[0] ?? '', q.limit + 1],
  );
  const page = vehicleKeys.page(rows, q.limit, (r) => [r.code as string]);
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

/** Links a user with the driver role to the warehouse (and optionally to the vehicle they drive). */
export async function createDriver(em: EntityManager, actor: Actor, d: z.infer<typeof createDriverBody>) {
  if (!canSeeWarehouse(actor, d.warehouseId)) throw new NotFound('Warehouse', d.warehouseId);
  // The driver must be a user of this warehouse: a dispatcher must not enlist (and so see the routes of) another
  // warehouse's people.
  const user = await sqlOne<Pick<AppUserRow, 'roles'>>(
    em,
    'select roles from app_user where id = ? and active and ? = any(warehouse_ids)',
    [d.userId, d.warehouseId],
  );
  if (!user) throw new NotFound('User', d.userId);
  if (!user.roles.includes('driver'))
    throw new ValidationFailed(
      'The user does not have the driver role',
      [{ path: 'body.userId', message: 'not a driver' }],
      'not-a-driver',
    );
  if (d.vehicleId && !(await sqlOne(em, 'select 1 from vehicle where id = ? and warehouse_id = ?', [d.vehicleId, d.warehouseId])))
    throw new NotFound('Vehicle', d.vehicleId);
  if (await sqlOne(em, 'select 1 from driver where user_id = ? or (vehicle_id is not null and vehicle_id = ?)', [d.userId, d.vehicleId]))
    throw new Conflict('The user or the vehicle already has a driver record', 'driver-taken');
  const row = (await sqlOne<Record<string, any>>(
    em,
    'insert into driver (warehouse_id, user_id, name, vehicle_id) values (?, ?, ?, ?) returning id, warehouse_id, user_id, name, vehicle_id',
    [d.warehouseId, d.userId, d.name, d.vehicleId],
  ))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'driver.created',
    objectType: 'driver',
    objectId: row.id,
    warehouseId: d.warehouseId,
  });
  return { id: row.id, warehouseId: row.warehouse_id, userId: row.user_id, name: row.name, vehicleId: row.vehicle_id ?? null };
}

export type DriverListRow = Pick<DriverRow, 'id' | 'warehouse_id' | 'user_id' | 'name' | 'vehicle_id'>;

/** The drivers of a warehouse, by name (a fleet is small: one page). */
export async function listDrivers(em: EntityManager, actor: Actor, warehouseId: string) {
  if (!canSeeWarehouse(actor, warehouseId)) throw new NotFound('Warehouse', warehouseId);
  const rows = await sql<DriverListRow>(
    em,
    'select id, warehouse_id, user_id, name, vehicle_id from driver where warehouse_id = ? order by name, id',
    [warehouseId],
  );
  return rows.map((r) => ({ id: r.id, warehouseId: r.warehouse_id, userId: r.user_id, name: r.name, vehicleId: r.vehicle_id }));
}

export type AssignRouteRow = Pick<RouteRow, 'id' | 'plan_id' | 'warehouse_id' | 'vehicle_id' | 'status'>;

/**
 * Gives a planned route to a driver of its warehouse (before dispatch: the driver's phone shows
 * it from then on). A driver drives one route of a plan at a time: one already on another open
 * route of the plan gets 409 `driver-busy`.
 */
export async function assignRoute(em: EntityManager, actor: Actor, routeId: string, driverId: string | null) {
  const r = await sqlOne<AssignRouteRow>(em, 'select id, plan_id, warehouse_id, vehicle_id, status from route where id = ? for update', [
    routeId,
  ]);
  if (!r || !canSeeWarehouse(actor, r.warehouse_id)) throw new NotFound('Route', routeId);
  if (r.status !== 'planned')
    throw new Conflict(`Route ${routeId} is ${r.status}; only a planned route changes driver`, 'route-not-planned');
  if (driverId) {
    // The driver row is locked: two assignments of one driver run one after the other, so the second sees the first.
    if (!(await sqlOne(em, 'select 1 from driver where id = ? and warehouse_id = ? for update', [driverId, r.warehouse_id])))
      throw new NotFound('Driver', driverId);
    const busy = await sql<AssignRouteRow>(
      em,
      `select id, plan_id, warehouse_id, vehicle_id, status from route
      where plan_id = ? and driver_id = ? and id <> ? and status in ('planned', 'dispatched')`,
      [r.plan_id, driverId, routeId],
    );
    if (busy.length)
      throw new Conflict(`Driver ${driverId} already has route ${busy[0]!.id} of this plan`, 'driver-busy', { routeId: busy[0]!.id });
  }
  await sql(em, 'update route set driver_id = ? where id = ?', [driverId, routeId]);
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'route.driver_assigned',
    objectType: 'route',
    objectId: routeId,
    warehouseId: r.warehouse_id,
    details: { driverId },
  });
  await emit(em, {
    type: 'route.driver_assigned',
    warehouseId: r.warehouse_id,
    rooms: [`route:${r.plan_id}`],
    actorId: actor.id,
    payload: { planId: r.plan_id, routeId, vehicleId: r.vehicle_id, driverId },
  });
  return { id: routeId, driverId };
}
