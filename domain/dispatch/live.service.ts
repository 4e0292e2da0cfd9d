import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import { haversineM } from '../routing/matrix/great-circle.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { ArriveBody, DeliveredBody, FailedBody } from './live.schemas.js';
import { loadLiveRoutes, type LiveRouteState } from './live-state.js';
import { issueNotice, type LiveDeps } from './notices.js';
import { mayActOnRoute } from './plan-views.js';
import { checkProof, DEFAULT_POD_POLICY, type PodPolicy } from './proof.js';
import { completeStop } from './stop.service.js';
import { createAsn } from '../receiving/asn.service.js';
import type { RouteRow } from './entities/route.entity.js';
import type { RouteStopRow } from './entities/route-stop.entity.js';
import type { DriverRow } from './entities/driver.entity.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import type { DriverPositionRow } from './entities/driver-position.entity.js';
import type { PodPolicyRow } from './entities/pod-policy.entity.js';
import type { ProofOfDeliveryRow } from './entities/proof-of-delivery.entity.js';
import type { ReturnExpectationRow } from './entities/return-expectation.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';

/** The driver's side of the live day: position pings, route start, arrival, outcome with proof. */

/** An ETA that moved by more than this since the customer was last told is told again. */
export const ETA_NOTICE_SHIFT_S = 15 * 60;
/** The customer hears "nearby" when the van is this close to their stop and it is next. */
export const NEARBY_M = 1000;

const distM = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
  haversineM({ lat: a.lat, lon: a.lng }, { lat: b.lat, lon: b.lng });
export type StartRouteRow = Pick<RouteRow, 'warehouse_id' | 'status'> & { driver_user_id: string | null };

/** The driver leaves: the route is started and every remaining customer hears their ETA. */
export async function startRoute(em: EntityManager, actor: Actor, routeId: string, deps: LiveDeps) {
  const r = await sqlOne<StartRouteRow>(
    em,
    `select r.warehouse_id, r.status, d.user_id as driver_user_id from route r left join driver d on d.id = r.driver_id where r.id = ? for update of r`,
    [routeId],
  );
  if (!r || !canSeeWarehouse(actor, r.warehouse_id) || !mayActOnRoute(actor, r.driver_user_id)) throw new NotFound('Route', routeId);
  if (r.status !== 'dispatched')
    throw new Conflict(`Route ${routeId} is ${r.status}; only a dispatched route can start`, 'route-not-dispatched');
  const notices = await startRouteRow(em, actor.id, routeId, deps);
  return { id: routeId, started: true as const, notices };
}

/** Starts a route once (a no-op if it has started): `route.started`, and every remaining customer hears their ETA. */
export async function startRouteRow(em: EntityManager, actorId: string, routeId: string, deps: LiveDeps): Promise<number> {
  const set = await sqlOne<Pick<RouteRow, 'plan_id' | 'vehicle_id' | 'warehouse_id'>>(
    em,
    `update route set started_at = ? where id = ? and started_at is null returning plan_id, vehicle_id, warehouse_id`,
    [deps.now.toISOString(), routeId],
  );
  if (!set) return 0;
  await emit(em, {
    type: 'route.started',
    warehouseId: set.warehouse_id,
    rooms: [`route:${set.plan_id}`],
    actorId,
    payload: { planId: set.plan_id, routeId, vehicleId: set.vehicle_id },
  });
  const [st] = await loadLiveRoutes(em, 'r.id = ?', [routeId], deps.now);
  if (!st) return 0;
  for (const [i, s] of st.remaining.entries()) await issueNotice(em, deps, noticeOf(st, s, 'route_started', st.etas[i]!.etaS));
  return st.remaining.length;
}

export function noticeOf(
  st: LiveRouteState,
  s: LiveRouteState['remaining'][number],
  kind: Parameters<typeof issueNotice>[2]['kind'],
  etaS: number | null,
) {
  return {
    kind,
    warehouseId: st.row.warehouse_id,
    routeId: st.row.id,
    stopId: s.id,
    shipmentId: s.shipment_id,
    orderId: s.order_id,
    etaS,
    nowS: st.nowS,
    windowStartS: s.window_start_s == null ? null : Number(s.window_start_s),
    windowEndS: s.window_end_s == null ? null : Number(s.window_end_s),
  };
}

type StopRow = Pick<RouteStopRow, 'id' | 'plan_id' | 'route_id' | 'warehouse_id' | 'shipment_id' | 'status'> &
  Pick<RouteRow, 'vehicle_id'> &
  Pick<ShipmentRow, 'order_id' | 'window_start_s' | 'window_end_s'> & {
    route_status: RouteRow['status'];
    driver_user_id: DriverRow['user_id'] | null;
    // Kept non-null as before: shipment.lat/lng are nullable in the entity, but this code reads them as set.
    lat: number;
    lng: number;
    /** coalesce(service_code, 'standard'). */
    delivery_method: string;
  };

async function stopFor(em: EntityManager, actor: Actor, stopId: string): Promise<StopRow> {
  const s = await sqlOne<StopRow>(
    em,
    `select s.id, s.plan_id, s.route_id, s.warehouse_id, s.shipment_id, sh.order_id, s.status, r.status as route_status, d.user_id as driver_user_id,
      r.vehicle_id, sh.lat, sh.lng, sh.window_start_s, sh.window_end_s, coalesce(sh.service_code, 'standard') as delivery_method
    from route_stop s join route r on r.id = s.route_id join shipment sh on sh.id = s.shipment_id left join driver d on d.id = r.driver_id
    where s.id = ?`,
    [stopId],
  );
  if (!s || !canSeeWarehouse(actor, s.warehouse_id) || !mayActOnRoute(actor, s.driver_user_id)) throw new NotFound('Stop', stopId);
  return s;
}

/** Where the proof was taken: the position sent with it, else the vehicle's last ping of the past 10 minutes. */
async function captureDistance(em: EntityManager, s: StopRow, at: { lat: number; lng: number } | undefined, now: Date) {
  let p = at;
  if (!p) {
    const last = await sqlOne<Pick<DriverPositionRow, 'lat' | 'lng'>>(
      em,
      `select lat, lng from driver_position where vehicle_id = ? and recorded_at > ?::timestamptz - interval '10 minutes' order by recorded_at desc limit 1`,
      [s.vehicle_id, now.toISOString()],
    );
    if (last) p = { lat: Number(last.lat), lng: Number(last.lng) };
  }
  return p ? { ...p, distanceM: Math.round(distM(p, { lat: Number(s.lat), lng: Number(s.lng) }) * 10) / 10 } : undefined;
}

/** The driver is at the stop (records how far from it they pressed "arrived"). */
export async function arriveAtStop(em: EntityManager, actor: Actor, stopId: string, body: ArriveBody, deps: LiveDeps) {
  const s = await stopFor(em, actor, stopId);
  if (s.route_status !== 'dispatched' || s.status !== 'dispatched')
    throw new Conflict(
      `Stop ${stopId} is ${s.status} on a ${s.route_status} route; only dispatched stops can be arrived at`,
      'stop-not-open',
    );
  const where = await captureDistance(em, s, body.lat != null && body.lng != null ? { lat: body.lat, lng: body.lng } : undefined, deps.now);
  await sql(em, 'update route_stop set arrived_at = coalesce(arrived_at, ?) where id = ?', [deps.now.toISOString(), stopId]);
  await emit(em, {
    type: 'stop.arrived',
    warehouseId: s.warehouse_id,
    rooms: [`route:${s.plan_id}`, `shipment:${s.shipment_id}`],
    actorId: actor.id,
    payload: { planId: s.plan_id, routeId: s.route_id, stopId, shipmentId: s.shipment_id, distanceM: where?.distanceM ?? null },
  });
  return { id: stopId, arrivedAt: deps.now.toISOString(), distanceM: where?.distanceM ?? null };
}

/** The proof-of-delivery policy of a warehouse's delivery method (default: everything optional). */
export async function podPolicyOf(em: EntityManager, warehouseId: string, method: string): Promise<PodPolicy> {
  const r = await sqlOne<Pick<PodPolicyRow, 'photo' | 'signature' | 'recipient_name' | 'notes'>>(
    em,
    'select photo, signature, recipient_name, notes from pod_policy where warehouse_id = ? and delivery_method = ?',
    [warehouseId, method],
  );
  if (!r) return DEFAULT_POD_POLICY;
  return { photo: r.photo, signature: r.signature, recipientName: r.recipient_name, notes: r.notes } as PodPolicy;
}

export async function setPodPolicy(em: EntityManager, actor: Actor, warehouseId: string, method: string, p: PodPolicy) {
  if (!canSeeWarehouse(actor, warehouseId)) throw new NotFound('Warehouse', warehouseId);
  await sql(
    em,
    `insert into pod_policy (warehouse_id, delivery_method, photo, signature, recipient_name, notes) values (?, ?, ?, ?, ?, ?)
    on conflict (warehouse_id, delivery_method) do update set photo = excluded.photo, signature = excluded.signature,
    recipient_name = excluded.recipient_name, notes = excluded.notes, updated_at = now()`,
    [warehouseId, method, p.photo, p.signature, p.recipientName, p.notes],
  );
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'pod_policy.set',
    objectType: 'pod_policy',
    objectId: method,
    warehouseId,
    details: { ...p },
  });
  return { warehouseId, deliveryMethod: method, ...p };
}

/**
 * Delivered or failed, with proof checked against the delivery method's policy; a failed parcel
 * that comes back leaves a return expectation for the warehouse to receive by scan.
 */
export async function recordOutcome(
  em: EntityManager,
  actor: Actor,
  stopId: string,
  outcome: ({ delivered: true } & DeliveredBody) | ({ delivered: false } & FailedBody),
  deps: LiveDeps,
) {
  const s = await stopFor(em, actor, stopId);
  const proof = outcome.proof;
  if (outcome.delivered) {
    const errors = checkProof(await podPolicyOf(em, s.warehouse_id, s.delivery_method), proof ?? {});
    if (errors.length)
      throw new ValidationFailed(`Proof of delivery incomplete for delivery method ${s.delivery_method}`, errors, 'pod-incomplete');
  }
  // The reason text starts with its code ("damaged: box crushed") so the event history says which it was.
  const reason = outcome.delivered
    ? undefined
    : outcome.reasonCode
      ? `${outcome.reasonCode}${outcome.reason ? `: ${outcome.reason}` : ''}`
      : outcome.reason!;
  const done = await completeStop(em, actor, stopId, outcome.delivered ? { delivered: true } : { delivered: false, reason: reason! });
  const code = outcome.delivered ? null : (outcome.reasonCode ?? 'other');
  if (code) await sql(em, 'update route_stop set failure_code = ? where id = ?', [code, stopId]);
  let proofId: string | null = null;
  let distanceM: number | null = null;
  if (proof) {
    const where = await captureDistance(
      em,
      s,
      proof.lat != null && proof.lng != null ? { lat: proof.lat, lng: proof.lng } : undefined,
      deps.now,
    );
    distanceM = where?.distanceM ?? null;
    proofId = (await sqlOne<Pick<ProofOfDeliveryRow, 'id'>>(
      em,
      `insert into proof_of_delivery (warehouse_id, stop_id, shipment_id, outcome, photo, signature, recipient_name, notes, lat, lng, distance_m, captured_at, created_by)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [
        s.warehouse_id,
        stopId,
        s.shipment_id,
        done.status,
        proof.photo ?? null,
        proof.signature ?? null,
        proof.recipientName ?? null,
        proof.notes ?? null,
        where?.lat ?? null,
        where?.lng ?? null,
        distanceM,
        proof.capturedAt ?? deps.now.toISOString(),
        actor.kind === 'user' ? actor.id : null,
      ],
    ))!.id;
    await emit(em, {
      type: 'stop.proof_recorded',
      warehouseId: s.warehouse_id,
      rooms: [`route:${s.plan_id}`, `shipment:${s.shipment_id}`],
      actorId: actor.id,
      payload: { planId: s.plan_id, stopId, shipmentId: s.shipment_id, proofId, outcome: done.status, distanceM },
    });
  }
  const ret = !outcome.delivered && outcome.returnToWarehouse ? await expectReturn(em, s, code!, actor) : undefined;
  await issueNotice(em, deps, {
    kind: done.status,
    warehouseId: s.warehouse_id,
    routeId: s.route_id,
    stopId,
    shipmentId: s.shipment_id,
    orderId: s.order_id,
    windowStartS: s.window_start_s == null ? null : Number(s.window_start_s),
    windowEndS: s.window_end_s == null ? null : Number(s.window_end_s),
    ...(reason ? { reason } : {}),
  });
  return { ...done, proofId, distanceM, returnId: ret?.id ?? null, returnAsnId: ret?.asnId ?? null };
}
/** `qty` is sum(qty)::int over the order's lines. */
export type ExpectReturnRow = { sku: SkuRow['code']; qty: number };

/**
 * The parcel rides back to the depot: dispatch records the expectation and, when the shipment's
 * order says what is in it, receiving gets an expected inbound ASN (`RET-<tracking>`, supplier
 * "Customer returns") so the goods are received back into stock by scan like any inbound.
 */
async function expectReturn(em: EntityManager, s: StopRow, code: string, actor: Actor): Promise<{ id: string; asnId: string | null }> {
  const r = (await sqlOne<Pick<ReturnExpectationRow, 'id' | 'asn_id'>>(
    em,
    `insert into return_expectation (warehouse_id, shipment_id, stop_id, reason_code) values (?, ?, ?, ?)
    on conflict (shipment_id) do update set status = 'expected', stop_id = excluded.stop_id, reason_code = excluded.reason_code returning id, asn_id`,
    [s.warehouse_id, s.shipment_id, s.id, code],
  ))!;
  let asnId = r.asn_id;
  if (!asnId && s.order_id) {
    const lines = await sql<ExpectReturnRow>(
      em,
      `select k.code as sku, sum(l.qty)::int as qty from order_line l join sku k on k.id = l.sku_id where l.order_id = ? group by k.code order by k.code`,
      [s.order_id],
    );
    if (lines.length) {
      const ship = await sqlOne<Pick<ShipmentRow, 'tracking_number'>>(em, 'select tracking_number from shipment where id = ?', [
        s.shipment_id,
      ]);
      const asn = await createAsn(
        em,
        {
          warehouseId: s.warehouse_id,
          reference: `RET-${ship?.tracking_number ?? s.shipment_id}`,
          supplier: { name: 'Customer returns' },
          lines: lines.map((l) => ({ sku: l.sku, qty: Number(l.qty) })),
        },
        actor.kind === 'user' ? actor.id : undefined,
      );
      asnId = asn.id;
      await sql(em, 'update return_expectation set asn_id = ? where id = ?', [asnId, r.id]);
    }
  }
  await emit(em, {
    type: 'return.expected',
    warehouseId: s.warehouse_id,
    rooms: [`shipment:${s.shipment_id}`],
    payload: { returnId: r.id, shipmentId: s.shipment_id, stopId: s.id, reasonCode: code, orderId: s.order_id, asnId },
  });
  return { id: r.id, asnId };
}

/** Proofs of a stop the actor may see, oldest first. */
export async function proofsOf(em: EntityManager, actor: Actor, stopId: string) {
  await stopFor(em, actor, stopId);
  const rows = await sql<Record<string, any>>(
    em,
    `select id, outcome, photo, signature, recipient_name, notes, distance_m, captured_at from proof_of_delivery where stop_id = ? order by captured_at`,
    [stopId],
  );
  return rows.map((r) => ({
    id: r.id as string,
    outcome: r.outcome as string,
    photo: r.photo as string | null,
    signature: r.signature as string | null,
    recipientName: r.recipient_name as string | null,
    notes: r.notes as string | null,
    distanceM: r.distance_m == null ? null : Number(r.distance_m),
    capturedAt: new Date(r.captured_at).toISOString(),
  }));
}
