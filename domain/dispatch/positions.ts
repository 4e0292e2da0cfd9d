import type { EntityManager } from '@mikro-orm/postgresql';
import { haversineM } from '../routing/matrix/great-circle.js';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql } from '../shared/sql.js';
import { ETA_NOTICE_SHIFT_S, NEARBY_M, noticeOf, startRouteRow } from './live.service.js';
import type { PositionBody, PositionReported } from './live.schemas.js';
import { loadLiveRoutes } from './live-state.js';
import { issueNotice, type LiveDeps } from './notices.js';
import { mayActOnRoute } from './plan-views.js';
import type { DriverRow } from './entities/driver.entity.js';
import type { DriverPositionRow } from './entities/driver-position.entity.js';
import type { RouteRow } from './entities/route.entity.js';
import type { RouteStopRow } from './entities/route-stop.entity.js';
import type { VehicleRow } from './entities/vehicle.entity.js';

/**
 * Position pings are telemetry, not domain events: a ping is pushed live the moment it is
 * authorised (no outbox, no relay), and stored afterwards in batches (`storePositions`, one
 * transaction for every ping that arrived while the previous batch was being written). Route start
 * and customer notices follow from the stored batch, in the same transaction as the rows.
 */

/** Who may ping a vehicle and where the ping goes: the vehicle, its driver, and its current dispatched route. */
export type PositionContextRow = Pick<VehicleRow, 'warehouse_id'> & {
  vehicle_id: VehicleRow['id'];
  vehicle_driver_id: DriverRow['id'] | null;
  vehicle_driver_user_id: DriverRow['user_id'] | null;
  // The route columns come from a left join: null when the vehicle has no dispatched route.
  route_id: RouteRow['id'] | null;
  plan_id: RouteRow['plan_id'] | null;
  route_driver_id: RouteRow['driver_id'];
  route_driver_user_id: DriverRow['user_id'] | null;
  // Kept as declared before (Date): raw SQL returns an ISO string, but PositionContext.startedAt (Date) is fed from it and
  // only tested for truthiness; typing it as the string it is would change that public context type (out of scope here).
  started_at: Date | null;
};

export interface PositionContext {
  vehicleId: string;
  warehouseId: string;
  driverId: string | null;
  route: { id: string; planId: string; startedAt: Date | null } | null;
}

const CONTEXT_SQL = `select v.id as vehicle_id, v.warehouse_id, vd.id as vehicle_driver_id, vd.user_id as vehicle_driver_user_id,
    r.id as route_id, r.plan_id, r.driver_id as route_driver_id, rd.user_id as route_driver_user_id, r.started_at
  from vehicle v
  left join driver vd on vd.vehicle_id = v.id
  left join lateral (
    select r.id, r.plan_id, r.driver_id, r.started_at from route r join route_plan p on p.id = r.plan_id
    where r.vehicle_id = v.id and r.status = 'dispatched' order by p.delivery_date desc, r.dispatched_at desc limit 1
  ) r on true
  left join driver rd on rd.id = r.driver_id`;

/** One read (no transaction): the vehicle, the driver assigned to it, and its latest dispatched route (undefined: no such vehicle). */
export async function loadPositionContext(em: EntityManager, vehicleId: string): Promise<PositionContextRow | undefined> {
  return (await sql<PositionContextRow>(em, `${CONTEXT_SQL} where v.id = ?`, [vehicleId]))[0];
}

/**
 * The vehicle's driver, the route's driver, or a planner of the warehouse may ping; anyone else
 * gets 404, as for any object outside their reach.
 */
export function authorizePing(actor: Actor, vehicleId: string, c: PositionContextRow | undefined): PositionContext {
  if (!c || !canSeeWarehouse(actor, c.warehouse_id)) throw new NotFound('Vehicle', vehicleId);
  if (!mayActOnRoute(actor, null) && c.vehicle_driver_user_id !== actor.id && c.route_driver_user_id !== actor.id)
    throw new NotFound('Vehicle', vehicleId);
  return contextOf(c);
}

function contextOf(c: PositionContextRow): PositionContext {
  return {
    vehicleId: c.vehicle_id,
    warehouseId: c.warehouse_id,
    driverId: c.route_driver_id ?? c.vehicle_driver_id,
    route: c.route_id ? { id: c.route_id, planId: c.plan_id!, startedAt: c.started_at } : null,
  };
}

/** The live message of a ping and the rooms it goes to (the warehouse and, on a route, `route:<planId>`). */
export function positionReported(ctx: PositionContext, body: PositionBody, now: Date): { rooms: string[]; payload: PositionReported } {
  return {
    rooms: [`warehouse:${ctx.warehouseId}`, ...(ctx.route ? [`route:${ctx.route.planId}`] : [])],
    payload: {
      vehicleId: ctx.vehicleId,
      driverId: ctx.driverId,
      routeId: ctx.route?.id ?? null,
      planId: ctx.route?.planId ?? null,
      lat: body.lat,
      lng: body.lng,
      speedMps: body.speedMps ?? null,
      headingDeg: body.headingDeg ?? null,
      recordedAt: (body.recordedAt ? new Date(body.recordedAt) : now).toISOString(),
    },
  };
}

export interface PingToStore {
  ctx: PositionContext;
  body: PositionBody;
  recordedAt: string;
  actorId: string;
  /** Base of the tracking links in the notices this ping leads to. */
  trackingBase: string;
}

export interface StoredPing {
  id: string;
  routeId: string | null;
  /** Customer notices this ping led to (route start, nearby, new ETA, delayed). */
  notices: number;
}

type StopIdRow = Pick<RouteStopRow, 'id'>;

type InsertedRow = Pick<DriverPositionRow, 'id' | 'vehicle_id'>;

/**
 * Stores a batch of pings in the caller's transaction: one insert for all rows, then the routes
 * they touch are started (first ping of a dispatched route) or checked for notices, loading the
 * live state of all those routes at once. Results are in the order of `pings`; a route's notices
 * are counted on its latest ping of the batch.
 */
export async function storePositions(em: EntityManager, given: PingToStore[], now: Date): Promise<StoredPing[]> {
  if (!given.length) return [];
  // The live push used the process's cached context; the rows and route starts use the committed one.
  const fresh = await sql<PositionContextRow>(em, `${CONTEXT_SQL} where v.id = any(?::uuid[])`, [
    pgColumn([...new Set(given.map((p) => p.ctx.vehicleId))]),
  ]);
  const ctxOf = new Map(fresh.map((c) => [c.vehicle_id, contextOf(c)]));
  const pings = given.map((p) => ({ ...p, ctx: ctxOf.get(p.ctx.vehicleId) ?? p.ctx }));
  const col = <T>(f: (p: PingToStore) => T) => pings.map(f);
  const rows = await sql<InsertedRow>(
    em,
    `insert into driver_position (warehouse_id, vehicle_id, driver_id, route_id, lat, lng, accuracy_m, speed_mps, heading_deg, recorded_at)
    select warehouse_id, vehicle_id, driver_id, route_id, lat, lng, accuracy_m, speed_mps, heading_deg, recorded_at
    from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::timestamptz[])
      with ordinality as t(warehouse_id, vehicle_id, driver_id, route_id, lat, lng, accuracy_m, speed_mps, heading_deg, recorded_at, ord)
    order by ord
    returning id, vehicle_id`,
    [
      col((p) => p.ctx.warehouseId),
      col((p) => p.ctx.vehicleId),
      col((p) => p.ctx.driverId),
      col((p) => p.ctx.route?.id ?? null),
      col((p) => p.body.lat),
      col((p) => p.body.lng),
      col((p) => p.body.accuracyM ?? null),
      col((p) => p.body.speedMps ?? null),
      col((p) => p.body.headingDeg ?? null),
      col((p) => p.recordedAt),
    ].map(pgColumn),
  );
  // Rows are inserted in `ord` order, so the serial ids ascend with it.
  rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const out: StoredPing[] = pings.map((p, i) => {
    if (rows[i]?.vehicle_id !== p.ctx.vehicleId) throw new Error('driver_position insert returned rows out of order');
    return { id: String(rows[i]!.id), routeId: p.ctx.route?.id ?? null, notices: 0 };
  });

  const latestOfRoute = new Map<string, number>();
  pings.forEach((p, i) => p.ctx.route && latestOfRoute.set(p.ctx.route.id, i));
  const started: string[] = [];
  const depsOf = new Map<string, LiveDeps>();
  for (const [routeId, i] of latestOfRoute) {
    // The first ping of a dispatched route starts it; a route already started is checked for notices.
    const deps = { now, trackingBase: pings[i]!.trackingBase };
    depsOf.set(routeId, deps);
    const n = pings[i]!.ctx.route!.startedAt ? 0 : await startRouteRow(em, pings[i]!.actorId, routeId, deps);
    if (n > 0) out[i]!.notices += n;
    else started.push(routeId);
  }
  if (started.length) {
    const counts = await noticesFromPositions(em, started, now, depsOf);
    for (const [routeId, n] of counts) out[latestOfRoute.get(routeId)!]!.notices += n;
  }
  return out;
}

/** After pings: "nearby" for the next stop, a new ETA when it moved a lot, "delayed" once a window will be missed. */
async function noticesFromPositions(
  em: EntityManager,
  routeIds: string[],
  now: Date,
  depsOf: Map<string, LiveDeps>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const states = await loadLiveRoutes(em, `r.id = any(?::uuid[]) and r.status = 'dispatched'`, [pgColumn(routeIds)], now);
  for (const st of states) {
    const deps = depsOf.get(st.row.id)!;
    if (!st.position) continue;
    let n = 0;
    for (const [i, s] of st.remaining.entries()) {
      const eta = st.etas[i]!;
      const at = { lat: Number(s.lat), lng: Number(s.lng) };
      // Each flag is claimed by its update, so two API processes storing pings of one route tell the customer once.
      if (
        i === 0 &&
        !s.nearby_notified_at &&
        !s.arrived_at &&
        distM(st.live.from, at) <= NEARBY_M &&
        (await claim(em, s.id, 'nearby', deps))
      ) {
        await issueNotice(em, deps, noticeOf(st, s, 'nearby', eta.etaS));
        n++;
      }
      if (eta.lateByS > 0 && !s.delayed_notified_at) {
        if (await claim(em, s.id, 'delayed', deps)) {
          await issueNotice(em, deps, noticeOf(st, s, 'delayed', eta.etaS));
          n++;
        }
      } else if (s.notified_eta_s != null && Math.abs(eta.etaS - Number(s.notified_eta_s)) > ETA_NOTICE_SHIFT_S) {
        await issueNotice(em, deps, noticeOf(st, s, 'eta', eta.etaS));
        n++;
      }
    }
    counts.set(st.row.id, n);
  }
  return counts;
}

async function claim(em: EntityManager, stopId: string, what: 'nearby' | 'delayed', deps: LiveDeps): Promise<boolean> {
  const column = what === 'nearby' ? 'nearby_notified_at' : 'delayed_notified_at';
  const rows = await sql<StopIdRow>(em, `update route_stop set ${column} = ? where id = ? and ${column} is null returning id`, [
    deps.now.toISOString(),
    stopId,
  ]);
  return rows.length > 0;
}

const distM = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
  haversineM({ lat: a.lat, lon: a.lng }, { lat: b.lat, lon: b.lng });

/** A PostgreSQL array literal of a column's values (text, numbers, NULLs) for `unnest(?::type[])`. */
function pgColumn(items: (string | number | null)[]): string {
  return `{${items.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`;
}
