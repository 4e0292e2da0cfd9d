import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { TrackingLinkRow } from './entities/tracking-link.entity.js';

/**
 * Customer notices: each is one `delivery.customer_notified` event in the caller's transaction;
 * the outbound path (webhook subscriptions and storefront callbacks) carries it to the customer.
 * Every notice carries the shipment's tracking link, a page the console serves without sign-in.
 */

export interface LiveDeps {
  now: Date;
  /** Absolute base of tracking links, e.g. `https://ops.example.com/console/#/track/`. */
  trackingBase: string;
}

export type NoticeKind = 'route_started' | 'eta' | 'nearby' | 'delivered' | 'failed' | 'delayed';

/** The shipment's tracking token (created once; unguessable: 128 random bits). */
export async function trackingToken(em: EntityManager, shipmentId: string, warehouseId: string): Promise<string> {
  const existing = await sqlOne<Pick<TrackingLinkRow, 'token'>>(em, 'select token from tracking_link where shipment_id = ?', [shipmentId]);
  if (existing) return existing.token;
  const token = randomBytes(16).toString('base64url');
  const row = await sqlOne<Pick<TrackingLinkRow, 'token'>>(
    em,
    `insert into tracking_link (token, shipment_id, warehouse_id) values (?, ?, ?)
    on conflict (shipment_id) do update set shipment_id = excluded.shipment_id returning token`,
    [token, shipmentId, warehouseId],
  );
  return row!.token;
}

export async function issueNotice(
  em: EntityManager,
  deps: LiveDeps,
  n: {
    kind: NoticeKind;
    warehouseId: string;
    routeId: string;
    stopId: string;
    shipmentId: string;
    orderId: string | null;
    /** Live ETA in seconds of the delivery day and the current seconds of day, to date the ETA. */
    etaS?: number | null;
    nowS?: number;
    windowStartS: number | null;
    windowEndS: number | null;
    reason?: string;
  },
): Promise<void> {
  const token = await trackingToken(em, n.shipmentId, n.warehouseId);
  const etaAt = n.etaS != null && n.nowS != null ? new Date(deps.now.getTime() + (n.etaS - n.nowS) * 1000).toISOString() : null;
  if (n.etaS != null && (n.kind === 'route_started' || n.kind === 'eta' || n.kind === 'delayed'))
    await sql(em, 'update route_stop set notified_eta_s = ? where id = ?', [n.etaS, n.stopId]);
  await emit(em, {
    type: 'delivery.customer_notified',
    warehouseId: n.warehouseId,
    rooms: [`shipment:${n.shipmentId}`],
    payload: {
      kind: n.kind,
      shipmentId: n.shipmentId,
      orderId: n.orderId,
      stopId: n.stopId,
      routeId: n.routeId,
      etaAt,
      windowStartS: n.windowStartS,
      windowEndS: n.windowEndS,
      trackingUrl: `${deps.trackingBase}${token}`,
      ...(n.reason ? { reason: n.reason } : {}),
    },
  });
}
