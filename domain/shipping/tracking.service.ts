import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { emit } from '../events/outbox.js';
import { sql, sqlOne } from '../shared/sql.js';
import { raiseException } from './carrier-selection.service.js';
import { TRACKING_STATUSES } from './shipping.events.js';
import { addDays } from './transit.js';
import type { TrackingEventRow } from './entities/tracking-event.entity.js';
import type { ShipmentRow } from './entities/shipment.entity.js';
import { moveShipments, type ShipmentStatus } from './shipment.lifecycle.js';

export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/**
 * One normalized vocabulary for every carrier (pure). Accepts ours, EasyPost's (`cancelled`/`error` → exception,
 * `unknown` → none), Shippo's (`TRANSIT`, `RETURNED`) and ShipEngine's two-letter codes (AC/IT/DE/EX/AT/SP/NY),
 * case-insensitively. Undefined = not a status we track.
 */
export function normalizeTrackingStatus(raw: string): TrackingStatus | undefined {
  const s = raw.trim().toLowerCase();
  if ((TRACKING_STATUSES as readonly string[]).includes(s)) return s as TrackingStatus;
  const map: Record<string, TrackingStatus> = {
    transit: 'in_transit',
    returned: 'return_to_sender',
    cancelled: 'exception',
    canceled: 'exception',
    error: 'exception',
    ny: 'pre_transit',
    ac: 'in_transit',
    it: 'in_transit',
    de: 'delivered',
    ex: 'exception',
    at: 'failure',
    sp: 'available_for_pickup',
  };
  return map[s];
}

export const carrierTrackingEvent = z.object({
  trackingNumber: z.string().min(1).max(60),
  status: z.string().min(1).max(40),
  detail: z.string().max(300).default(''),
  location: z.record(z.string(), z.string().max(100)).default({}),
  occurredAt: z.iso.datetime({ offset: true }),
  estimatedDelivery: z.iso.date().nullable().optional(),
});
export type CarrierTrackingEvent = z.infer<typeof carrierTrackingEvent>;

const SHIPMENT_STATUS_OF: Partial<Record<TrackingStatus, ShipmentStatus>> = {
  in_transit: 'in_transit',
  out_for_delivery: 'in_transit',
  available_for_pickup: 'in_transit',
  delivered: 'delivered',
  return_to_sender: 'returned',
};

/**
 * Records a carrier's tracking event (idempotent: the same status, time and detail twice is one event). The shipment
 * takes the newest status and ETA; events are pushed to `shipment:<id>` and the warehouse room; a delivery emits
 * `shipment.delivered` (the order and the storefront follow); failures and exceptions open a shipping exception.
 */
export async function recordTracking(
  em: EntityManager,
  carrier: string,
  e: CarrierTrackingEvent,
  source: string,
): Promise<{ recorded: boolean; shipmentId?: string; status?: TrackingStatus }> {
  const status = normalizeTrackingStatus(e.status);
  if (!status) return { recorded: false };
  const s = await sqlOne<ShipmentRow>(em, 'select * from shipment where carrier_code = ? and tracking_number = ? for update', [
    carrier,
    e.trackingNumber,
  ]);
  if (!s) return { recorded: false };
  const ins = await sqlOne<Pick<TrackingEventRow, 'id'>>(
    em,
    `insert into tracking_event (shipment_id, status, detail, location, occurred_at, estimated_delivery, source) values (?, ?, ?, ?::jsonb, ?, ?::date, ?)
    on conflict (shipment_id, status, occurred_at, detail) do nothing returning id`,
    [s.id, status, e.detail, JSON.stringify(e.location), e.occurredAt, e.estimatedDelivery ?? null, source],
  );
  if (!ins) return { recorded: false, shipmentId: s.id, status };
  const newest = !(await sqlOne(em, 'select 1 from tracking_event where shipment_id = ? and occurred_at > ? limit 1', [
    s.id,
    e.occurredAt,
  ]));
  if (newest) {
    const next = SHIPMENT_STATUS_OF[status];
    await sql(
      em,
      `update shipment set tracking_status = ?, estimated_delivery = coalesce(?::date, estimated_delivery), updated_at = now() where id = ?`,
      [status, e.estimatedDelivery ?? null, s.id],
    );
    // The carrier's word moves the shipment wherever the lifecycle allows it (never out of delivered or cancelled).
    if (next) await moveShipments(em, [s.id], next);
  }
  await emit(em, {
    type: 'shipment.tracking_updated',
    warehouseId: s.warehouse_id,
    rooms: [`shipment:${s.id}`],
    payload: {
      shipmentId: s.id,
      orderId: s.order_id,
      carrierCode: carrier,
      trackingNumber: e.trackingNumber,
      status,
      detail: e.detail,
      location: e.location,
      occurredAt: new Date(e.occurredAt).toISOString(),
      estimatedDelivery: e.estimatedDelivery ?? null,
    },
  });
  if (status === 'delivered' && s.status !== 'delivered')
    await emit(em, {
      type: 'shipment.delivered',
      warehouseId: s.warehouse_id,
      rooms: [`shipment:${s.id}`],
      payload: { shipmentId: s.id, orderId: s.order_id, carrierCode: carrier, trackingNumber: e.trackingNumber },
    });
  if (status === 'failure' || status === 'exception' || status === 'return_to_sender')
    await raiseException(
      em,
      s as { id: string; warehouse_id: string },
      `tracking-${status}`,
      `${carrier} ${e.trackingNumber}: ${e.detail || status}`,
    );
  return { recorded: true, shipmentId: s.id, status };
}

/**
 * A realistic event sequence for a demo carrier's parcel (pure): accepted at the origin hub on the ship day, a
 * line-haul scan, out for delivery and delivered on the ETA, or a failed first attempt then delivered a day later.
 */
export function simulatedEvents(
  trackingNumber: string,
  shipDay: string,
  eta: string,
  o: { failFirstAttempt?: boolean; originCity?: string; destCity?: string } = {},
): CarrierTrackingEvent[] {
  const at = (day: string, hhmm: string) => `${day}T${hhmm}:00Z`;
  const origin = { city: o.originCity ?? 'Amsterdam' };
  const dest = { city: o.destCity ?? 'Destination' };
  const ev = (status: string, day: string, hhmm: string, detail: string, location: Record<string, string>, est: string | null = eta) => ({
    trackingNumber,
    status,
    detail,
    location,
    occurredAt: at(day, hhmm),
    estimatedDelivery: est,
  });
  const out: CarrierTrackingEvent[] = [
    ev('pre_transit', shipDay, '15:00', 'Label created, parcel announced', origin),
    ev('in_transit', shipDay, '19:30', 'Received at origin hub', origin),
    ev('in_transit', eta, '04:10', 'Arrived at delivery depot', dest),
    ev('out_for_delivery', eta, '07:45', 'Out for delivery', dest),
  ];
  if (o.failFirstAttempt) {
    const next = addDays(eta, 1);
    out.push(ev('failure', eta, '13:20', 'Recipient not at home: next attempt tomorrow', dest, next));
    out.push(ev('out_for_delivery', next, '07:40', 'Out for delivery (second attempt)', dest, next));
    out.push(ev('delivered', next, '11:05', 'Delivered', dest, next));
  } else out.push(ev('delivered', eta, '12:30', 'Delivered', dest));
  return out;
}
