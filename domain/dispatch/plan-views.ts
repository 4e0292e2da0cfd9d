import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { PlanView, RouteView } from './dispatch.schemas.js';
import type { RouteRow } from './entities/route.entity.js';
import { iso } from '../shared/time.js';

/** Read side of route plans: the plan with its routes, stops and ETAs; lists; a driver's own route. */

const num = (v: unknown) => (v == null ? null : Number(v));

function toSummary(r: Record<string, any>): Omit<PlanView, 'routes'> {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    deliveryDate: r.delivery_date,
    status: r.status,
    version: r.version,
    solvedVersion: r.solved_version,
    timeLimitS: r.time_limit_s,
    seed: r.seed,
    brokenVehicleIds: r.broken_vehicle_ids ?? [],
    bestCost: num(r.best_cost),
    cost: num(r.cost),
    distanceM: num(r.distance_m),
    durationS: num(r.duration_s),
    vehiclesUsed: num(r.vehicles_used),
    iterations: num(r.iterations),
    unassignedShipmentIds: r.unassigned_shipment_ids ?? [],
    unassigned: unassignedOf(r),
    error: r.error ?? null,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}

/** Left-out shipments with their reasons; ids without a stored reason (older solves) get null. */
function unassignedOf(r: Record<string, any>): PlanView['unassigned'] {
  const reasons = new Map<string, string | null>(
    ((r.unassigned ?? []) as { shipmentId: string; reason: string | null }[]).map((u) => [u.shipmentId, u.reason ?? null]),
  );
  return ((r.unassigned_shipment_ids ?? []) as string[]).map((id) => ({ shipmentId: id, reason: reasons.get(id) ?? null }));
}

const SUMMARY = `id, warehouse_id, to_char(delivery_date, 'YYYY-MM-DD') as delivery_date, status, version, solved_version, time_limit_s, seed,
  broken_vehicle_ids, best_cost, cost, distance_m, duration_s, vehicles_used, iterations, unassigned_shipment_ids, unassigned, error, created_at, started_at, finished_at`;

async function routesOf(em: EntityManager, where: string, params: unknown[]): Promise<RouteView[]> {
  const routes = await sql<Record<string, any>>(
    em,
    `select r.*, v.code as vehicle_code from route r join vehicle v on v.id = r.vehicle_id where ${where} order by v.code`,
    params,
  );
  if (routes.length === 0) return [];
  const stops = await sql<Record<string, any>>(
    em,
    `select s.*, sh.lat, sh.lng, sh.window_start_s, sh.window_end_s, sh.ship_to, sh.tracking_number, sh.service_time_s, sh.required_skills,
      sh.pallets, sh.delivery_priority, sh.optional_stop from route_stop s join shipment sh on sh.id = s.shipment_id
    where s.route_id = any(?::uuid[]) order by s.route_id, s.seq`,
    [`{${routes.map((r) => r.id).join(',')}}`],
  );
  const byRoute = new Map<string, RouteView['stops']>();
  for (const s of stops) {
    const list = byRoute.get(s.route_id) ?? [];
    list.push({
      id: s.id,
      seq: s.seq,
      shipmentId: s.shipment_id,
      status: s.status,
      lat: Number(s.lat),
      lng: Number(s.lng),
      arrivalS: Number(s.arrival_s),
      etaS: Number(s.eta_s),
      departureS: Number(s.departure_s),
      loadAfterWeightG: Number(s.load_after_weight_g),
      loadAfterVolumeMm3: Number(s.load_after_volume_mm3),
      windowStartS: num(s.window_start_s),
      windowEndS: num(s.window_end_s),
      failureReason: s.failure_reason ?? null,
      customer: s.ship_to?.name ?? null,
      address: addressLine(s.ship_to),
      trackingNumber: s.tracking_number ?? null,
      arrivedAt: iso(s.arrived_at),
      serviceTimeS: Number(s.service_time_s),
      skills: s.required_skills ?? [],
      pallets: Number(s.pallets ?? 0),
      priority: Number(s.delivery_priority ?? 0),
      optional: s.optional_stop === true,
    });
    byRoute.set(s.route_id, list);
  }
  return routes.map((r) => ({
    id: r.id,
    planId: r.plan_id,
    vehicleId: r.vehicle_id,
    vehicleCode: r.vehicle_code,
    driverId: r.driver_id ?? null,
    status: r.status,
    startS: Number(r.start_s),
    endS: Number(r.end_s),
    loadWeightG: Number(r.load_weight_g),
    loadVolumeMm3: Number(r.load_volume_mm3),
    distanceM: Number(r.distance_m),
    durationS: Number(r.duration_s),
    cost: Number(r.cost),
    breaks: r.breaks ?? [],
    stops: byRoute.get(r.id) ?? [],
  }));
}

/** One line a driver can read aloud: street, postcode and city of a ship-to (null when it has none). */
function addressLine(t: Record<string, unknown> | null | undefined): string | null {
  if (!t) return null;
  const parts = [t.address1, t.address2, [t.zip ?? t.postcode, t.city].filter(Boolean).join(' ')].filter((x) => typeof x === 'string' && x);
  return parts.length ? parts.join(', ') : null;
}

/** A plan outside the actor's warehouses does not exist for them. */
export async function getPlan(em: EntityManager, actor: Actor, planId: string): Promise<PlanView> {
  const row = await sqlOne<Record<string, any>>(em, `select ${SUMMARY} from route_plan where id = ?`, [planId]);
  if (!row || !canSeeWarehouse(actor, row.warehouse_id)) throw new NotFound('Route plan', planId);
  return { ...toSummary(row), routes: await routesOf(em, 'r.plan_id = ?', [planId]) };
}

const planKeys = keyset(['time', 'uuid']);

/** Plans of a warehouse, newest first, keyset-paginated on (created_at, id). */
export async function listPlans(
  em: EntityManager,
  actor: Actor,
  q: { warehouseId: string; deliveryDate?: string; cursor?: string; limit: number },
) {
  if (!canSeeWarehouse(actor, q.warehouseId)) throw new NotFound('Warehouse', q.warehouseId);
  const params: unknown[] = [q.warehouseId];
  let where = 'warehouse_id = ?';
  if (q.deliveryDate) {
    where += ' and delivery_date = ?::date';
    params.push(q.deliveryDate);
  }
  const after = planKeys.after(q.cursor);
  if (after) {
    where += ' and (created_at, id) < (?::timestamptz, ?::uuid)';
    params.push(...after);
  }
  params.push(q.limit + 1);
  const rows = await sql<Record<string, any>>(
    em,
    `select ${SUMMARY} from route_plan where ${where} order by created_at desc, id desc limit ?`,
    params,
  );
  const page = planKeys.page(rows, q.limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
}
export type GetRouteRow = Pick<RouteRow, 'warehouse_id'> & { driver_user_id: string | null };

/** One route; a driver sees only the routes assigned to them. */
export async function getRoute(em: EntityManager, actor: Actor, routeId: string): Promise<RouteView> {
  const row = await sqlOne<GetRouteRow>(
    em,
    `select r.warehouse_id, d.user_id as driver_user_id from route r left join driver d on d.id = r.driver_id where r.id = ?`,
    [routeId],
  );
  if (!row || !canSeeWarehouse(actor, row.warehouse_id) || !mayActOnRoute(actor, row.driver_user_id)) throw new NotFound('Route', routeId);
  return (await routesOf(em, 'r.id = ?', [routeId]))[0]!;
}

/** Planners see every route of their warehouses; a driver only their own. */
export function mayActOnRoute(actor: Actor, driverUserId: string | null): boolean {
  if (actor.roles.some((r) => r === 'admin' || r === 'dispatcher' || r === 'supervisor')) return true;
  return actor.roles.includes('driver') && driverUserId === actor.id;
}

/** A driver's routes (newest plan first): what the phone opens in the morning. */
export async function myRoutes(em: EntityManager, actor: Actor, deliveryDate?: string): Promise<RouteView[]> {
  // Only routes of warehouses the driver still works in: a driver record left in a warehouse the user was moved
  // out of must not keep showing its stops (addresses, customers).
  const params: unknown[] = [actor.id, actor.allWarehouses, `{${actor.warehouseIds.join(',')}}`];
  let where = `r.driver_id in (select id from driver where user_id = ?) and r.status <> 'broken_down'
    and (?::boolean or r.plan_id in (select id from route_plan where warehouse_id = any(?::uuid[])))`;
  if (deliveryDate) {
    where += ` and r.plan_id in (select id from route_plan where delivery_date = ?::date)`;
    params.push(deliveryDate);
  }
  return routesOf(em, where, params);
}
