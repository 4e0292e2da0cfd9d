import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { atRiskQueue } from './at-risk.js';
import type { BoardView } from './live.schemas.js';
import { liveEtas } from './live-eta.js';
import { loadLiveRoutes } from './live-state.js';
import { ETA_NOTICE_SHIFT_S, noticeOf } from './live.service.js';
import { issueNotice, type LiveDeps } from './notices.js';
import type { WarehouseRow } from '../layout/entities/warehouse.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { RouteStopRow } from './entities/route-stop.entity.js';
import type { RouteRow } from './entities/route.entity.js';
import type { RoutePlanRow } from './entities/route-plan.entity.js';
import { iso } from '../shared/time.js';

/** The dispatcher's live board: the day's latest plan with live ETAs, positions, GPS-stale flags and the at-risk queue. */

export type GetBoardRow = Pick<RoutePlanRow, 'id' | 'status' | 'unassigned_shipment_ids'>;
export type GetBoardRow2 = Pick<ShipmentRow, 'id' | 'tracking_number'> & { name: string | null };

export async function getBoard(
  em: EntityManager,
  actor: Actor,
  q: { warehouseId: string; deliveryDate?: string; planId?: string },
  now: Date,
): Promise<BoardView> {
  if (!canSeeWarehouse(actor, q.warehouseId)) throw new NotFound('Warehouse', q.warehouseId);
  const tz =
    (await sqlOne<Pick<WarehouseRow, 'timezone'>>(em, 'select timezone from warehouse where id = ?', [q.warehouseId]))?.timezone ?? 'UTC';
  const date = q.deliveryDate ?? new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(now);
  const plan = await sqlOne<GetBoardRow>(
    em,
    q.planId
      ? `select id, status, unassigned_shipment_ids from route_plan where id = ? and warehouse_id = ?`
      : `select id, status, unassigned_shipment_ids from route_plan where warehouse_id = ? and delivery_date = ?::date and status in ('solved', 'solving', 'queued')
        order by (solved_version is not null) desc, created_at desc limit 1`,
    q.planId ? [q.planId, q.warehouseId] : [q.warehouseId, date],
  );
  const states = plan ? await loadLiveRoutes(em, 'r.plan_id = ?', [plan.id], now) : [];
  const ship = states.length
    ? await sql<GetBoardRow2>(
        em,
        `select sh.id, sh.tracking_number, sh.ship_to->>'name' as name from shipment sh where sh.id in (select shipment_id from route_stop where plan_id = ?)`,
        [plan!.id],
      )
    : [];
  const shipOf = new Map(ship.map((s) => [s.id, s]));
  const done = plan
    ? await sql<Pick<RouteStopRow, 'id' | 'completed_at' | 'failure_reason' | 'failure_code'>>(
        em,
        'select id, completed_at, failure_reason, failure_code from route_stop where plan_id = ?',
        [plan.id],
      )
    : [];
  const doneOf = new Map(done.map((d) => [d.id, d]));
  return {
    warehouseId: q.warehouseId,
    deliveryDate: date,
    nowS: states[0]?.nowS ?? 0,
    planId: plan?.id ?? null,
    planStatus: plan?.status ?? null,
    unassignedShipmentIds: plan?.unassigned_shipment_ids ?? [],
    routes: states.map((st) => {
      const etaOf = new Map(st.etas.map((e) => [e.stopId, e]));
      return {
        id: st.row.id,
        planId: st.row.plan_id,
        vehicleId: st.row.vehicle_id,
        vehicleCode: st.row.vehicle_code,
        driverName: st.row.driver_name,
        status: st.row.status,
        startedAt: iso(st.row.started_at),
        position: st.position
          ? {
              lat: Number(st.position.lat),
              lng: Number(st.position.lng),
              speedMps: st.position.speed_mps == null ? null : Number(st.position.speed_mps),
              headingDeg: st.position.heading_deg == null ? null : Number(st.position.heading_deg),
              recordedAt: iso(st.position.recorded_at)!,
            }
          : null,
        gpsStale: st.gpsStale,
        depot: { lat: Number(st.row.depot_lat), lng: Number(st.row.depot_lng) },
        stops: st.all.map((s) => {
          const e = st.row.status === 'broken_down' ? undefined : etaOf.get(s.id);
          const d = doneOf.get(s.id);
          return {
            id: s.id,
            seq: s.seq,
            shipmentId: s.shipment_id,
            orderId: s.order_id,
            trackingNumber: shipOf.get(s.shipment_id)?.tracking_number ?? null,
            customer: shipOf.get(s.shipment_id)?.name ?? null,
            status: s.status as 'planned',
            lat: Number(s.lat),
            lng: Number(s.lng),
            windowStartS: s.window_start_s == null ? null : Number(s.window_start_s),
            windowEndS: s.window_end_s == null ? null : Number(s.window_end_s),
            plannedEtaS: Number(s.eta_s),
            etaS: e?.etaS ?? null,
            lateByS: e?.lateByS ?? 0,
            arrivedAt: iso(s.arrived_at),
            completedAt: iso(d?.completed_at),
            failureReason: d?.failure_reason ?? null,
            failureCode: d?.failure_code ?? null,
          };
        }),
      };
    }),
    atRisk: atRiskQueue(states.filter((s) => s.row.status === 'dispatched' || s.row.status === 'planned').map((s) => s.live)),
  };
}

/**
 * Commits an at-risk fix as previewed: the remaining stops of each touched route take the given
 * order (a moved stop changes route and takes the target route's status), and their stored ETAs
 * become the live ones. The orders must hold exactly the routes' current remaining stops. A customer
 * already told an ETA hears the new one when it moved by more than 15 minutes (as after a ping).
 */
export async function applyFix(
  em: EntityManager,
  actor: Actor,
  body: { stopId: string; orders: Record<string, string[]> },
  deps: LiveDeps,
) {
  const now = deps.now;
  const routeIds = Object.keys(body.orders);
  if (!routeIds.length) throw new ValidationFailed('orders must name at least one route', [{ path: 'orders', message: 'empty' }]);
  const locked = await sql<Pick<RouteRow, 'id' | 'plan_id' | 'warehouse_id' | 'status'>>(
    em,
    'select id, plan_id, warehouse_id, status from route where id = any(?::uuid[]) order by id for update',
    [`{${routeIds.join(',')}}`],
  );
  if (locked.length !== routeIds.length || locked.some((r) => !canSeeWarehouse(actor, r.warehouse_id)))
    throw new NotFound('Route', routeIds.find((id) => !locked.some((r) => r.id === id)) ?? routeIds[0]);
  const planId = locked[0]!.plan_id;
  if (locked.some((r) => r.plan_id !== planId)) throw new ValidationFailed('All routes must belong to one plan', [], 'mixed-plans');
  const closed = locked.find((r) => r.status !== 'dispatched' && r.status !== 'planned');
  if (closed) throw new Conflict(`Route ${closed.id} is ${closed.status}`, 'route-closed');
  const states = await loadLiveRoutes(em, 'r.id = any(?::uuid[])', [`{${routeIds.join(',')}}`], now);
  const current = new Set(states.flatMap((s) => s.remaining.map((r) => r.id)));
  const wanted = routeIds.flatMap((id) => body.orders[id]!);
  if (wanted.length !== current.size || new Set(wanted).size !== wanted.length || wanted.some((id) => !current.has(id)))
    throw new Conflict('The routes changed since the preview; refresh the board and try again', 'stale-preview');
  const stopById = new Map(states.flatMap((s) => s.live.stops.map((x) => [x.stopId, x] as const)));
  const rowById = new Map(states.flatMap((s) => s.remaining.map((x) => [x.id, x] as const)));
  for (const st of states) {
    const order = body.orders[st.row.id]!;
    const first = Math.max(0, ...st.all.filter((s) => s.status === 'delivered' || s.status === 'failed').map((s) => s.seq));
    const arrived = st.live.stops[0]?.arrivedS != null ? st.live.stops[0].stopId : undefined;
    if (arrived && order[0] !== arrived) throw new Conflict(`Stop ${arrived} is being served and stays first`, 'stop-locked');
    const etas = liveEtas(
      st.live.from,
      st.live.nowS,
      order.map((id) => stopById.get(id)!),
      st.live.breaks,
    );
    // Breaks still to take go where the live ETAs placed them on the new order; taken ones stay as history.
    const done = st.all.length - st.remaining.length;
    const pending = new Set((st.live.breaks ?? []).map((b) => b.id));
    const placed = new Map(etas.flatMap((e, i) => (e.breaksBefore ?? []).map((b) => [b.id, { ...b, afterStop: done + i }] as const)));
    const breaks = (st.row.breaks ?? []).map((b) =>
      !pending.has(b.id) ? b : (placed.get(b.id) ?? { ...b, afterStop: done + order.length }),
    );
    await sql(em, 'update route set breaks = ?::jsonb where id = ?', [JSON.stringify(breaks), st.row.id]);
    for (const [i, id] of order.entries()) {
      const e = etas[i]!;
      await sql(
        em,
        `update route_stop set route_id = ?, seq = ?, arrival_s = ?, eta_s = ?, departure_s = ?,
        status = case when status in ('planned', 'dispatched') then ? else status end where id = ?`,
        [st.row.id, first + i + 1, e.arrivalS, e.etaS, e.departureS, st.row.status === 'dispatched' ? 'dispatched' : 'planned', id],
      );
      const row = rowById.get(id)!;
      if (row.notified_eta_s != null && Math.abs(e.etaS - Number(row.notified_eta_s)) > ETA_NOTICE_SHIFT_S)
        await issueNotice(em, deps, noticeOf(st, row, 'eta', e.etaS));
    }
  }
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'route.live_fix_applied',
    objectType: 'route_stop',
    objectId: body.stopId,
    warehouseId: locked[0]!.warehouse_id,
    details: { orders: body.orders },
  });
  await emit(em, {
    type: 'route.resequenced',
    warehouseId: locked[0]!.warehouse_id,
    rooms: [`route:${planId}`],
    actorId: actor.id,
    payload: { planId, stopId: body.stopId, routeIds },
  });
  return { applied: true as const, routeIds };
}
