import type { EntityManager } from '@mikro-orm/postgresql';
import type { MatrixProvider } from '../routing/matrix/provider.js';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import { Conflict, DomainError, NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { loadDayAsPlanned, loadVehicles } from './day-loader.js';
import type { MoveStopCmd } from './dispatch.schemas.js';
import { dayMatrixProvider } from './matrix-source.js';
import { moveStop, type RouteSequence } from './move-stop.js';
import { fullProblem, indexDay } from './plan-problem.js';
import { mayActOnRoute } from './plan-views.js';
import type { RouteEvaluation } from '../routing/describe.js';
import { lockPlan } from './plan.service.js';
import { co2eG } from './co2.js';
import { secondsOfDay } from './live-eta.js';
import { shipParcel } from '../shipping/label.service.js';
import { moveShipments } from '../shipping/shipment.lifecycle.js';
import type { RouteRow } from './entities/route.entity.js';
import type { RouteStopRow } from './entities/route-stop.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { WarehouseRow } from '../layout/entities/warehouse.entity.js';
import type { VehicleRow } from './entities/vehicle.entity.js';
export type DispatchRouteRow = Pick<RouteRow, 'plan_id' | 'driver_id' | 'status'> & {
  id: string;
  warehouse_id: string;
  vehicle_id: string;
  driver_user_id: string | null;
};

/** Stop-level commands: dispatch a route, move a stop by hand, record a delivery outcome. */

/** Releases a route to its driver: its planned stops become dispatched (and locked for re-optimisation). */
export async function dispatchRoute(em: EntityManager, actor: Actor, routeId: string) {
  const route = await sqlOne<DispatchRouteRow>(
    em,
    `select r.*, d.user_id as driver_user_id from route r left join driver d on d.id = r.driver_id where r.id = ? for update of r`,
    [routeId],
  );
  if (!route || !canSeeWarehouse(actor, route.warehouse_id)) throw new NotFound('Route', routeId);
  const plan = await lockPlan(em, actor, route.plan_id);
  if (plan.status !== 'solved')
    throw new Conflict(`Route plan ${plan.id} is ${plan.status}; routes can be dispatched once it is solved`, 'plan-busy');
  if (route.status === 'broken_down' || route.status === 'completed')
    throw new Conflict(`Route ${routeId} is ${route.status}`, 'route-closed');
  const stops = await sql<Pick<RouteStopRow, 'shipment_id'>>(
    em,
    `update route_stop set status = 'dispatched' where route_id = ? and status = 'planned' returning shipment_id`,
    [routeId],
  );
  await sql(em, `update route set status = 'dispatched', dispatched_at = coalesce(dispatched_at, now()) where id = ?`, [routeId]);
  const shipmentIds = `{${stops.map((s) => s.shipment_id).join(',')}}`;
  await moveShipments(
    em,
    stops.map((x) => x.shipment_id),
    'dispatched',
  );
  // The van leaves with the cartons: each leaves stock through its `ship` movements here (once: shipParcel skips a
  // shipment already shipped, and the route lock above serialises concurrent dispatches of the same route).
  const loaded = await sql<ShipmentRow>(
    em,
    'select * from shipment where id = any(?::uuid[]) and packed_at is not null order by id for update',
    [shipmentIds],
  );
  for (const s of loaded) await shipParcel(em, s, { userId: actor.id });
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'route.dispatched',
    objectType: 'route',
    objectId: routeId,
    warehouseId: route.warehouse_id,
  });
  const rooms = [`route:${route.plan_id}`, ...(route.driver_user_id ? [`user:${route.driver_user_id}`] : [])];
  await emit(em, {
    type: 'route.dispatched',
    warehouseId: route.warehouse_id,
    rooms,
    actorId: actor.id,
    payload: { planId: route.plan_id, routeId, vehicleId: route.vehicle_id, driverId: route.driver_id, stops: stops.length },
  });
  return { id: routeId, status: 'dispatched' as const, stopsDispatched: stops.length };
}

const TITLES: Record<string, string> = {
  capacity_weight: 'Vehicle weight capacity exceeded',
  capacity_volume: 'Vehicle volume capacity exceeded',
  time_window: 'Delivery time window missed',
  shift_end: 'Driver shift exceeded',
  max_duration: 'Maximum route duration exceeded',
};

/**
 * Moves a planned stop to a position on another (or the same) route after re-checking capacity,
 * time windows and shift on both routes. Infeasible → 422 whose `type` names the first violated
 * constraint and whose `violations` list them all. `dryRun` previews without writing.
 */
export async function moveStopCommand(
  em: EntityManager,
  actor: Actor,
  planId: string,
  cmd: MoveStopCmd,
  matrices: MatrixProvider = dayMatrixProvider(),
) {
  const plan = await lockPlan(em, actor, planId);
  if (plan.status !== 'solved') throw new Conflict(`Route plan ${planId} is ${plan.status}; edit it once it is solved`, 'plan-busy');
  const { input, stops } = await loadDayAsPlanned(em, planId);
  const stop = stops.find((s) => s.stop_id === cmd.stopId);
  if (!stop) throw new NotFound('Stop', cmd.stopId);
  const toRoute = await sqlOne<Pick<RouteRow, 'id' | 'vehicle_id' | 'status'>>(
    em,
    'select id, vehicle_id, status from route where id = ? and plan_id = ?',
    [cmd.toRouteId, planId],
  );
  if (!toRoute) throw new NotFound('Route', cmd.toRouteId);
  if (toRoute.status === 'broken_down' || toRoute.status === 'completed')
    throw new Conflict(`Route ${toRoute.id} is ${toRoute.status}`, 'route-closed');
  if (!input.locked[toRoute.vehicle_id]) input.locked[toRoute.vehicle_id] = [];
  if (!input.vehicles.some((v) => v.id === toRoute.vehicle_id)) {
    input.vehicles.push(...(await loadVehicles(em, [toRoute.vehicle_id])));
  }
  const ix = indexDay(input);
  const full = fullProblem(input, ix, await matrices.matrix(ix.points));
  const seqOf = (vehicleId: string): RouteSequence => {
    const vehicleIndex = input.vehicles.findIndex((v) => v.id === vehicleId);
    const list = stops.filter((s) => s.vehicle_id === vehicleId);
    let lockedCount = 0;
    list.forEach((s, i) => {
      if (s.status !== 'planned') lockedCount = i + 1;
    });
    return { vehicleIndex, jobs: list.map((s) => ix.shipmentIndex.get(s.shipment_id)!), lockedCount };
  };
  const from = seqOf(stop.vehicle_id);
  const to = toRoute.vehicle_id === stop.vehicle_id ? from : seqOf(toRoute.vehicle_id);
  const out = moveStop(full, from, to, ix.shipmentIndex.get(stop.shipment_id)!, cmd.position);
  if ('kind' in out)
    throw new DomainError(
      out.kind.replace(/_/g, '-'),
      out.kind === 'position_out_of_range' ? 422 : 409,
      out.kind === 'position_out_of_range' ? 'Position out of range' : 'Stop is locked',
      out.detail,
    );
  if (!out.feasible) {
    const first = out.violations[0]!;
    throw new DomainError(
      `infeasible-${first.constraint.replace(/_/g, '-')}`,
      422,
      TITLES[first.constraint] ?? 'Infeasible move',
      first.detail,
      [],
      { constraint: first.constraint, violations: out.violations, costDelta: out.costDelta },
    );
  }
  const result = {
    applied: !cmd.dryRun,
    feasible: true as const,
    costBefore: out.costBefore,
    costAfter: out.costAfter,
    costDelta: out.costDelta,
    from: { routeId: stop.route_id, cost: out.from.cost, endS: out.from.endS },
    to: { routeId: toRoute.id, cost: out.to.cost, endS: out.to.endS },
  };
  if (cmd.dryRun) return result;
  await writeRoute(em, stop.route_id, out.from);
  if (toRoute.id !== stop.route_id) await writeRoute(em, toRoute.id, out.to);
  await sql(
    em,
    `update route_plan set cost = (select coalesce(sum(cost), 0) from route where plan_id = ? and status <> 'broken_down'),
    distance_m = (select coalesce(sum(distance_m), 0) from route where plan_id = ? and status <> 'broken_down'), updated_at = now() where id = ?`,
    [planId, planId, planId],
  );
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'route.stop_moved',
    objectType: 'route_stop',
    objectId: cmd.stopId,
    warehouseId: plan.warehouse_id,
    details: { toRouteId: cmd.toRouteId, position: cmd.position, costDelta: out.costDelta },
  });
  await emit(em, {
    type: 'route.stop_moved',
    warehouseId: plan.warehouse_id,
    rooms: [`route:${planId}`],
    actorId: actor.id,
    payload: {
      planId,
      stopId: cmd.stopId,
      fromRouteId: stop.route_id,
      toRouteId: toRoute.id,
      position: cmd.position,
      costDelta: out.costDelta,
    },
  });
  return result;
}

/** Rewrites a route's stop order, ETAs and totals from an evaluation (job ids are shipment ids). */
async function writeRoute(em: EntityManager, routeId: string, ev: RouteEvaluation): Promise<void> {
  await sql(
    em,
    `update route set end_s = ?, load_weight_g = ?, load_volume_mm3 = ?, distance_m = ?, duration_s = ?, cost = ?, breaks = ?::jsonb where id = ?`,
    [
      ev.endS,
      Math.round(ev.loadWeightG),
      Math.round(ev.loadVolumeCm3 * 1000),
      ev.distanceM,
      ev.durationS,
      ev.cost,
      JSON.stringify(ev.breaks),
      routeId,
    ],
  );
  for (const [i, s] of ev.stops.entries()) {
    await sql(
      em,
      `update route_stop set route_id = ?, seq = ?, arrival_s = ?, eta_s = ?, departure_s = ?, load_after_weight_g = ?, load_after_volume_mm3 = ?
      where plan_id = (select plan_id from route where id = ?) and shipment_id = ?`,
      [
        routeId,
        i + 1,
        s.arrivalS,
        s.etaS,
        s.departureS,
        Math.round(s.loadAfterWeightG),
        Math.round(s.loadAfterVolumeCm3 * 1000),
        routeId,
        s.jobId,
      ],
    );
  }
}
export type CompleteStopRow = Pick<RouteStopRow, 'id' | 'plan_id' | 'route_id' | 'warehouse_id' | 'shipment_id'> &
  Pick<ShipmentRow, 'order_id' | 'carrier_code' | 'tracking_number' | 'window_end_s'> &
  Pick<WarehouseRow, 'timezone'> &
  Pick<VehicleRow, 'fuel'> & {
    status: string;
    route_status: string;
    driver_user_id: string | null;
    delivery_date: string;
    route_cost: number;
    route_distance_m: number;
    route_stops: string;
    vehicle_code: string;
    attempts_before: string;
  };

/**
 * Records the outcome of a stop (driver of the route, or a planner): delivered, or failed with a
 * reason. Emits stop.* and shipment.* events (the storefront hears about the delivery).
 */
export async function completeStop(
  em: EntityManager,
  actor: Actor,
  stopId: string,
  outcome: { delivered: true } | { delivered: false; reason: string },
) {
  const s = await sqlOne<CompleteStopRow>(
    em,
    `select s.id, s.plan_id, s.route_id, s.status, s.warehouse_id, s.shipment_id, r.status as route_status, d.user_id as driver_user_id,
       sh.order_id, sh.carrier_code, sh.tracking_number, sh.window_end_s, to_char(p.delivery_date, 'YYYY-MM-DD') as delivery_date, w.timezone,
       r.cost as route_cost, r.distance_m as route_distance_m, v.fuel, v.code as vehicle_code,
       (select count(*) from route_stop x where x.route_id = r.id) as route_stops,
       (select count(*) from route_stop x where x.shipment_id = s.shipment_id and x.status in ('delivered', 'failed')) as attempts_before
     from route_stop s join route r on r.id = s.route_id left join driver d on d.id = r.driver_id join shipment sh on sh.id = s.shipment_id
       join route_plan p on p.id = s.plan_id join warehouse w on w.id = s.warehouse_id join vehicle v on v.id = r.vehicle_id
     where s.id = ? for update of s`,
    [stopId],
  );
  if (!s || !canSeeWarehouse(actor, s.warehouse_id) || !mayActOnRoute(actor, s.driver_user_id)) throw new NotFound('Stop', stopId);
  if (s.status === 'delivered' || s.status === 'failed') throw new Conflict(`Stop ${stopId} is already ${s.status}`, 'stop-closed');
  if (s.route_status !== 'dispatched')
    throw new Conflict(
      `Route ${s.route_id} is ${s.route_status}; only stops of dispatched routes can be completed`,
      'route-not-dispatched',
    );
  const status = outcome.delivered ? 'delivered' : 'failed';
  const reason = outcome.delivered ? null : outcome.reason;
  await sql(em, `update route_stop set status = ?, failure_reason = ?, completed_at = now() where id = ?`, [status, reason, stopId]);
  await moveShipments(em, [s.shipment_id], status);
  await sql(
    em,
    `update route set status = 'completed' where id = ? and not exists (select 1 from route_stop where route_id = ? and status in ('planned', 'dispatched'))`,
    [s.route_id, s.route_id],
  );
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: `stop.${status}`,
    objectType: 'route_stop',
    objectId: stopId,
    warehouseId: s.warehouse_id,
    deviceId: actor.deviceId,
    details: reason ? { reason } : {},
  });
  const rooms = [`route:${s.plan_id}`, `shipment:${s.shipment_id}`];
  // Facts the service metrics read back from the event history: attempt, punctuality, this parcel's
  // share of the route's cost and distance, and the CO₂e of that share (domain/dispatch/co2.ts).
  const share = 1 / Math.max(1, Number(s.route_stops));
  const distanceM = Number(s.route_distance_m) * share;
  const facts = {
    attempt: Number(s.attempts_before) + 1,
    onTime: s.window_end_s == null ? null : secondsOfDay(new Date(), s.delivery_date, s.timezone) <= Number(s.window_end_s),
    costMinor: Math.round(Number(s.route_cost) * share),
    distanceM: Math.round(distanceM),
    co2eG: Math.round(co2eG(distanceM, s.fuel)),
    vehicleCode: s.vehicle_code,
    carrierCode: s.carrier_code ?? 'own-fleet',
  };
  const ship = {
    shipmentId: s.shipment_id,
    orderId: s.order_id,
    ...(s.carrier_code ? { carrierCode: s.carrier_code } : {}),
    ...(s.tracking_number ? { trackingNumber: s.tracking_number } : {}),
  };
  if (outcome.delivered) {
    await emit(em, {
      type: 'stop.delivered',
      warehouseId: s.warehouse_id,
      rooms,
      actorId: actor.id,
      payload: { planId: s.plan_id, routeId: s.route_id, stopId, shipmentId: s.shipment_id, ...facts },
    });
    await emit(em, { type: 'shipment.delivered', warehouseId: s.warehouse_id, rooms, actorId: actor.id, payload: ship });
  } else {
    await emit(em, {
      type: 'stop.failed',
      warehouseId: s.warehouse_id,
      rooms,
      actorId: actor.id,
      payload: { planId: s.plan_id, routeId: s.route_id, stopId, shipmentId: s.shipment_id, reason: reason!, ...facts },
    });
    await emit(em, {
      type: 'shipment.delivery_failed',
      warehouseId: s.warehouse_id,
      rooms,
      actorId: actor.id,
      payload: { ...ship, reason: reason! },
    });
  }
  return { id: stopId, status: status as 'delivered' | 'failed' };
}
