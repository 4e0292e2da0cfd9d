import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '../shared/sql.js';
import { getConnectorRow, type ConnectorRow } from './connector.service.js';
import { logOrder } from './order-log.js';
import { orderLifecycle, type OrderStatus } from './order.lifecycle.js';
import { moveOrder } from './order-status.js';
import type { OutboundDeliveryRow } from './entities/outbound-delivery.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';
import type { WebhookDispatchCursorRow } from './entities/webhook-dispatch-cursor.entity.js';
import type { WebhookSubscriptionRow } from './entities/webhook-subscription.entity.js';
import type { OutboxRow } from '../events/entities/outbox.entity.js';
import type { OrderLineRow } from './entities/order-line.entity.js';

/** A relayed domain event as the queues carry it. */
export interface EventEnvelope {
  id: string;
  seq: number;
  warehouseId: string;
  type: string;
  payload: unknown;
  occurredAt: string;
}

/** An outbound delivery as the sender reads it (created_at as raw SQL gives it, or a Date). */
export type OutboundRow = Pick<
  OutboundDeliveryRow,
  | 'id'
  | 'warehouse_id'
  | 'connector_id'
  | 'subscription_id'
  | 'order_id'
  | 'kind'
  | 'event_type'
  | 'event_id'
  | 'method'
  | 'url'
  | 'body'
  | 'status'
  | 'attempts'
> & { created_at: OutboundDeliveryRow['created_at'] | Date };

/** Does a subscription pattern (`order.*`, `*`, exact type) match an event type? (pure) */
export function matchesEventType(patterns: string[], type: string): boolean {
  return patterns.some((p) => p === type || p === '*' || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

async function insertDelivery(
  tx: EntityManager,
  d: {
    warehouseId: string | null;
    connectorId?: string;
    subscriptionId?: string;
    orderId?: string;
    dedupeKey: string;
    kind: OutboundRow['kind'];
    eventType: string;
    eventId?: string;
    method?: string;
    url: string;
    body: unknown;
  },
): Promise<string | undefined> {
  const r = await sqlOne<Pick<OutboundDeliveryRow, 'id'>>(
    tx,
    `insert into outbound_delivery (warehouse_id, connector_id, subscription_id, order_id, dedupe_key, kind, event_type, event_id, method, url, body)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) on conflict (dedupe_key) do nothing returning id`,
    [
      d.warehouseId,
      d.connectorId ?? null,
      d.subscriptionId ?? null,
      d.orderId ?? null,
      d.dedupeKey,
      d.kind,
      d.eventType,
      d.eventId ?? null,
      d.method ?? 'POST',
      d.url,
      JSON.stringify(d.body),
    ],
  );
  return r?.id;
}

/** Standard Webhooks payload shape `{type, timestamp, data}` (thin: ids and the event's own payload). */
export function standardPayload(e: EventEnvelope): { type: string; timestamp: string; data: Record<string, unknown> } {
  return {
    type: e.type,
    timestamp: e.occurredAt,
    data: { ...(e.payload as Record<string, unknown>), warehouseId: e.warehouseId, seq: e.seq, eventId: e.id },
  };
}

/** Creates one delivery per active subscription that wants this event (idempotent per subscription + event). */
export async function fanOutToSubscriptions(
  tx: EntityManager,
  e: EventEnvelope,
  subs: { id: string; url: string; event_types: string[]; warehouse_id: string | null }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const s of subs) {
    if (s.warehouse_id && s.warehouse_id !== e.warehouseId) continue;
    if (!matchesEventType(s.event_types, e.type)) continue;
    const id = await insertDelivery(tx, {
      warehouseId: e.warehouseId,
      subscriptionId: s.id,
      dedupeKey: `sub:${s.id}:${e.id}`,
      kind: 'standard',
      eventType: e.type,
      eventId: e.id,
      url: s.url,
      body: standardPayload(e),
    });
    if (id) ids.push(id);
  }
  return ids;
}

/** A storefront order line and how many of its units one carton holds. */
export interface CartonLine {
  lineItemId: string;
  qty: number;
}

interface ShipmentInfo {
  shipmentId: string;
  orderId: string;
  carrierCode?: string | null;
  trackingNumber?: string | null;
  serviceCode?: string | null;
  trackingUrl?: string | null;
  carrierName?: string | null;
  /** What this carton holds, as the storefront's line ids (absent when a content cannot be mapped to one). */
  cartonLines?: CartonLine[];
}

/**
 * Which storefront order lines a carton holds (pure). The order's cartons are walked in carton order and each SKU's
 * units fill that SKU's lines in line order, so two lines of the same SKU split over cartons come out right.
 * Undefined when a unit of this carton matches no line with a storefront id.
 */
export function cartonLinesOf(
  cartons: { id: string; contents: { skuId: string; qty: number }[] }[],
  lines: { skuId: string | null; externalLineId: string | null; qty: number }[],
  shipmentId: string,
): CartonLine[] | undefined {
  const left = lines.map((l) => l.qty);
  for (const c of cartons) {
    const mine = new Map<string, number>();
    let unmapped = false;
    for (const it of c.contents) {
      let need = it.qty;
      for (const [i, l] of lines.entries()) {
        if (need === 0) break;
        if (l.skuId !== it.skuId || left[i]! <= 0) continue;
        const take = Math.min(need, left[i]!);
        left[i]! -= take;
        need -= take;
        if (l.externalLineId) mine.set(l.externalLineId, (mine.get(l.externalLineId) ?? 0) + take);
        else unmapped = true;
      }
      if (need > 0) unmapped = true;
    }
    if (c.id === shipmentId) return unmapped ? undefined : [...mine].map(([lineItemId, qty]) => ({ lineItemId, qty }));
  }
  return undefined;
}

/** Store base URL of a connector: the callback override, else the storefront's own address. */
export function storeBase(c: Pick<ConnectorRow, 'kind' | 'callback_url' | 'shop_domain' | 'site_url'>): string | undefined {
  if (c.callback_url) return c.callback_url;
  if (c.kind === 'shopify' && c.shop_domain) return `https://${c.shop_domain}`;
  if (c.kind === 'woocommerce' && c.site_url) return c.site_url;
  return undefined;
}

const SHOPIFY_API = '/admin/api/2024-10';
/** Body key (never sent) naming the fulfillment-orders URL the delivery worker resolves before the POST. */
export const SHOPIFY_FO_LOOKUP = '$fulfillmentOrdersUrl';
/** Body key (never sent): the carton's order lines, matched to fulfillment-order line items once those are read. */
export const SHOPIFY_CARTON_LINES = '$cartonLines';

interface ShopifyFulfillmentOrder {
  id: number | string;
  status?: string;
  supported_actions?: string[];
  line_items?: { id: number | string; line_item_id: number | string; fulfillable_quantity?: number; quantity?: number }[];
}

/**
 * The fulfillment body for Shopify once its open fulfillment orders are known (pure). Shopify's REST fulfillment holds
 * one tracking number ("to use multiple tracking numbers, create separate fulfillments"), so each carton is its own
 * fulfillment: its order lines are matched to the open fulfillment orders' line items (`line_item_id`) up to their
 * `fulfillable_quantity`, and only those are listed. A carton whose contents could not be mapped to storefront lines
 * falls back to every open fulfillment order that supports `create_fulfillment`, with no line items listed (= all
 * that remain). Returns null when nothing of it is left to fulfil (already fulfilled).
 */
export function shopifyFulfillmentBody(
  body: Record<string, any>,
  fulfillmentOrders: ShopifyFulfillmentOrder[],
): Record<string, unknown> | null {
  const open = fulfillmentOrders.filter(
    (f) =>
      ['open', 'in_progress'].includes(f.status ?? '') && (f.supported_actions ?? ['create_fulfillment']).includes('create_fulfillment'),
  );
  if (!open.length) return null;
  const { [SHOPIFY_FO_LOOKUP]: _lookup, [SHOPIFY_CARTON_LINES]: cartonLines, ...rest } = body;
  const lines = cartonLines as CartonLine[] | undefined;
  if (!lines?.length)
    return {
      ...rest,
      fulfillment: { ...rest.fulfillment, line_items_by_fulfillment_order: open.map((f) => ({ fulfillment_order_id: f.id })) },
    };
  const need = new Map(lines.map((l) => [String(l.lineItemId), l.qty]));
  const byOrder: { fulfillment_order_id: number | string; fulfillment_order_line_items: { id: number | string; quantity: number }[] }[] =
    [];
  for (const f of open) {
    const items: { id: number | string; quantity: number }[] = [];
    for (const li of f.line_items ?? []) {
      const want = need.get(String(li.line_item_id)) ?? 0;
      const take = Math.min(want, li.fulfillable_quantity ?? li.quantity ?? 0);
      if (take <= 0) continue;
      items.push({ id: li.id, quantity: take });
      need.set(String(li.line_item_id), want - take);
    }
    if (items.length) byOrder.push({ fulfillment_order_id: f.id, fulfillment_order_line_items: items });
  }
  if (!byOrder.length) return null;
  return { ...rest, fulfillment: { ...rest.fulfillment, line_items_by_fulfillment_order: byOrder } };
}

/**
 * Storefront callbacks for one shipment / order event (pure: which HTTP calls to make).
 * Shopify: a fulfillment with tracking when the label exists, an order note for a refused cancellation.
 * WooCommerce: status `completed` + a customer note with tracking when labelled; notes for delivery and refusals.
 * api connectors: a Standard Webhooks POST of the event to the callback URL.
 */
export function callbacksFor(
  c: Pick<ConnectorRow, 'kind' | 'callback_url' | 'shop_domain' | 'site_url'>,
  e: EventEnvelope,
  externalId: string,
  s: Partial<ShipmentInfo>,
  reason?: string,
): { key: string; method: string; url: string; body: unknown }[] {
  const base = storeBase(c);
  if (!base) return [];
  const tracking = s.trackingNumber ? `${s.carrierCode ? `${s.carrierCode} ` : ''}tracking ${s.trackingNumber}` : 'no tracking number';
  if (c.kind === 'api') {
    return [
      {
        key: 'event',
        method: 'POST',
        url: base,
        body: {
          type: e.type,
          timestamp: e.occurredAt,
          data: {
            externalId,
            orderId: s.orderId,
            shipmentId: s.shipmentId ?? null,
            carrierCode: s.carrierCode ?? null,
            trackingNumber: s.trackingNumber ?? null,
            reason: reason ?? null,
            eventId: e.id,
            // A dispatch customer notice carries its kind, ETA and tracking link for the storefront to pass on.
            ...(e.type === 'delivery.customer_notified' ? { notice: e.payload } : {}),
          },
        },
      },
    ];
  }
  if (c.kind === 'shopify') {
    if (e.type === 'shipment.labelled') {
      // Fulfillment orders (Admin API 2022-07+; the order-level fulfillments endpoint is gone): the delivery worker
      // first reads the order's open fulfillment orders, then creates this carton's fulfillment with its tracking_info.
      return [
        {
          key: 'fulfillment',
          method: 'POST',
          url: `${base}${SHOPIFY_API}/fulfillments.json`,
          body: {
            [SHOPIFY_FO_LOOKUP]: `${base}${SHOPIFY_API}/orders/${externalId}/fulfillment_orders.json`,
            ...(s.cartonLines?.length ? { [SHOPIFY_CARTON_LINES]: s.cartonLines } : {}),
            fulfillment: {
              line_items_by_fulfillment_order: [],
              tracking_info: {
                company: s.carrierName ?? s.carrierCode ?? null,
                number: s.trackingNumber ?? null,
                url: s.trackingUrl ?? null,
              },
              notify_customer: true,
            },
          },
        },
      ];
    }
    if (e.type === 'order.cancel_refused') {
      return [
        {
          key: 'note',
          method: 'PUT',
          url: `${base}${SHOPIFY_API}/orders/${externalId}.json`,
          body: { order: { id: Number(externalId) || externalId, note: `Cancellation refused by the warehouse: ${reason}` } },
        },
      ];
    }
    return [];
  }
  const order = `${base}/wp-json/wc/v3/orders/${externalId}`;
  if (e.type === 'shipment.labelled') {
    return [
      { key: 'status', method: 'PUT', url: order, body: { status: 'completed' } },
      {
        key: 'note',
        method: 'POST',
        url: `${order}/notes`,
        body: { note: `Shipped: ${tracking}.${s.trackingUrl ? ` Track it at ${s.trackingUrl}` : ''}`, customer_note: true },
      },
    ];
  }
  if (e.type === 'shipment.delivered')
    return [{ key: 'note', method: 'POST', url: `${order}/notes`, body: { note: 'Delivered.', customer_note: true } }];
  if (e.type === 'order.cancel_refused')
    return [
      {
        key: 'note',
        method: 'POST',
        url: `${order}/notes`,
        body: { note: `Cancellation refused by the warehouse: ${reason}`, customer_note: false },
      },
    ];
  return [];
}
export type RecordFulfilmentRow = Pick<ShipmentRow, 'order_id' | 'carrier_code' | 'tracking_number'> & { carrier_name: string | null };

/**
 * Reacts to a shipment event (or a refused cancellation): moves the order's status along and creates the
 * storefront callbacks. Idempotent per event (dedupe keys contain the event id; status moves only forward).
 */
export async function recordFulfilment(tx: EntityManager, e: EventEnvelope): Promise<string[]> {
  const p = (e.payload ?? {}) as Partial<ShipmentInfo> & { reason?: string };
  let orderId = p.orderId;
  let ship: Partial<ShipmentInfo> = { ...p };
  if (p.shipmentId) {
    const s = await sqlOne<RecordFulfilmentRow>(
      tx,
      'select s.order_id, s.carrier_code, s.tracking_number, c.name as carrier_name from shipment s left join carrier c on c.code = s.carrier_code where s.id = ?',
      [p.shipmentId],
    );
    if (s) {
      orderId ??= s.order_id ?? undefined;
      ship = {
        ...ship,
        carrierCode: p.carrierCode ?? s.carrier_code,
        trackingNumber: p.trackingNumber ?? s.tracking_number,
        carrierName: s.carrier_name,
      };
    }
  }
  if (!orderId) return [];
  const o = await sqlOne<Pick<SalesOrderRow, 'id' | 'warehouse_id' | 'status' | 'external_id' | 'connector_id'>>(
    tx,
    'select id, warehouse_id, status, external_id, connector_id from sales_order where id = ? for update',
    [orderId],
  );
  if (!o) return [];
  ship.orderId = o.id;
  // Shipment facts move the order on when its lifecycle allows it from where it is (a late event is a no-op).
  const next: Record<string, OrderStatus> = {
    'shipment.packed': 'packed',
    'shipment.labelled': 'shipped',
    'shipment.delivered': 'delivered',
  };
  const to = next[e.type];
  if (to && orderLifecycle.canMove(o.status, to) && o.status !== to) {
    const shipped = to === 'shipped' || to === 'delivered';
    if (shipped) await sql(tx, `update order_line set shipped_qty = qty where order_id = ?`, [o.id]);
    await moveOrder(tx, o, to, {
      events: shipped
        ? [
            {
              type: to === 'shipped' ? 'order.shipped' : 'order.delivered',
              warehouseId: o.warehouse_id,
              payload: { orderId: o.id, shipmentId: p.shipmentId ?? '' },
            },
          ]
        : [],
    });
  }
  if (e.type.startsWith('shipment.')) {
    await logOrder(tx, o.id, {
      category: 'fulfilment',
      action: e.type.slice('shipment.'.length),
      message:
        `Shipment ${p.shipmentId ?? ''} ${e.type.slice('shipment.'.length)}${ship.trackingNumber ? ` (${ship.carrierCode ?? ''} ${ship.trackingNumber})` : ''}`.replace(
          /\s+/g,
          ' ',
        ),
    });
  }
  if (!o.connector_id) return [];
  const c = (await getConnectorRow(tx, o.connector_id))!;
  if (c.kind === 'shopify' && e.type === 'shipment.labelled' && p.shipmentId)
    ship.cartonLines = await cartonLinesFor(tx, o.id, p.shipmentId);
  const ids: string[] = [];
  for (const cb of callbacksFor(c, e, o.external_id, ship, p.reason)) {
    const id = await insertDelivery(tx, {
      warehouseId: o.warehouse_id,
      connectorId: c.id,
      orderId: o.id,
      dedupeKey: `con:${c.id}:${e.id}:${cb.key}`,
      kind: c.kind === 'api' ? 'standard' : c.kind,
      eventType: e.type,
      eventId: e.id,
      method: cb.method,
      url: cb.url,
      body: cb.body,
    });
    if (id) ids.push(id);
  }
  return ids;
}
export type CartonLinesForRow = Pick<ShipmentRow, 'id'> & { contents: { skuId: string; qty: number }[] | null };

/** What one carton of an order holds, as the storefront's line ids (see cartonLinesOf). */
async function cartonLinesFor(tx: EntityManager, orderId: string, shipmentId: string): Promise<CartonLine[] | undefined> {
  const cartons = await sql<CartonLinesForRow>(
    tx,
    `select id, contents from shipment where order_id = ? and status <> 'cancelled' order by carton_no nulls last, created_at, id`,
    [orderId],
  );
  const lines = await sql<Pick<OrderLineRow, 'sku_id' | 'external_line_id' | 'qty'>>(
    tx,
    'select sku_id, external_line_id, qty from order_line where order_id = ? order by line_no',
    [orderId],
  );
  return cartonLinesOf(
    cartons.map((c) => ({ id: c.id, contents: c.contents ?? [] })),
    lines.map((l) => ({ skuId: l.sku_id, externalLineId: l.external_line_id, qty: l.qty })),
    shipmentId,
  );
}

/** Deliveries that are due (for the sweep to re-enqueue after a Redis loss). */
export async function dueDeliveries(em: EntityManager, limit = 500): Promise<{ id: string; attempts: number }[]> {
  return sql(
    em,
    `select id, attempts from outbound_delivery where status = 'pending' and next_attempt_at <= now() order by next_attempt_at limit ?`,
    [limit],
  );
}
export type DispatchToSubscriptionsRow = Pick<OutboxRow, 'id' | 'seq' | 'type' | 'created_at'> & { payload: unknown };

/**
 * Fans the outbox out to webhook subscriptions by reading it in per-warehouse seq order from a cursor (one query per
 * batch instead of one queue job per event, and nothing is lost if Redis is). Only events recorded after a
 * subscription was created reach it. Returns the new delivery ids; the caller enqueues their first attempt.
 */
export async function dispatchToSubscriptions(tx: EntityManager, warehouseId: string, limit = 1000): Promise<string[]> {
  await sql(tx, 'insert into webhook_dispatch_cursor (warehouse_id) values (?) on conflict do nothing', [warehouseId]);
  const cur = await sqlOne<Pick<WebhookDispatchCursorRow, 'last_seq'>>(
    tx,
    'select last_seq from webhook_dispatch_cursor where warehouse_id = ? for update skip locked',
    [warehouseId],
  );
  if (!cur) return [];
  const subs = await sql<Pick<WebhookSubscriptionRow, 'id' | 'url' | 'event_types' | 'warehouse_id' | 'created_at'>>(
    tx,
    'select id, url, event_types, warehouse_id, created_at from webhook_subscription where active and (warehouse_id is null or warehouse_id = ?)',
    [warehouseId],
  );
  if (!subs.length) {
    await sql(
      tx,
      `update webhook_dispatch_cursor set last_seq = greatest(last_seq, coalesce((select max(seq) from outbox where warehouse_id = ? and seq is not null), 0)) where warehouse_id = ?`,
      [warehouseId, warehouseId],
    );
    return [];
  }
  const events = await sql<DispatchToSubscriptionsRow>(
    tx,
    'select id, seq, type, payload, created_at from outbox where warehouse_id = ? and seq > ? order by seq limit ?',
    [warehouseId, cur.last_seq, limit],
  );
  const ids: string[] = [];
  for (const e of events) {
    const at = new Date(e.created_at);
    const env: EventEnvelope = {
      id: String(e.id),
      seq: Number(e.seq),
      warehouseId,
      type: e.type,
      payload: e.payload,
      occurredAt: at.toISOString(),
    };
    ids.push(
      ...(await fanOutToSubscriptions(
        tx,
        env,
        subs.filter((s) => new Date(s.created_at) <= at),
      )),
    );
  }
  if (events.length)
    await sql(tx, 'update webhook_dispatch_cursor set last_seq = ? where warehouse_id = ?', [events.at(-1)!.seq, warehouseId]);
  return ids;
}
