import type { Processor } from 'bullmq';
import { parseDomainEvent } from '../domain/events/parse-event.js';
import { apiTokenOf, getConnectorRow, webhookSecretOf } from '../domain/orders/connector.service.js';
import { standardWebhookSignature } from '../domain/orders/hmac.js';
import { recordFulfilment, SHOPIFY_FO_LOOKUP, shopifyFulfillmentBody, type OutboundRow } from '../domain/orders/outbound.service.js';
import { backoffMs, type OrdersSettings } from '../domain/orders/orders.settings.js';
import { keyRing, openSecret, type KeyRing } from '../domain/orders/secret-box.js';
import { logOrder } from '../domain/orders/order-log.js';
import { sql, sqlOne } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { outboundHttp, safeRequest } from './safe-http.js';
import type { WebhookSubscriptionRow } from '../domain/orders/entities/webhook-subscription.entity.js';

export { SsrfBlocked, type HttpResult } from './safe-http.js';

// Per runtime: the settings and key ring are its config's (a second runtime in the same process has its own).
const contexts = new WeakMap<Runtime, { settings: OrdersSettings; ring: KeyRing }>();
function ctx(rt: Runtime) {
  let c = contexts.get(rt);
  if (!c) {
    const settings = rt.config.orders;
    c = { settings, ring: keyRing(rt.config.SECRETS_KEY, settings.previousSecretKeys) };
    contexts.set(rt, c);
  }
  return c;
}

/** Enqueues the first attempt of new deliveries (job id per attempt: retries are rescheduled from Postgres). */
async function enqueueDeliveries(rt: Runtime, ids: string[]) {
  for (const id of ids) await rt.queues.add('webhook-delivery', { deliveryId: id }, { jobId: `wd-${id}-0` });
}

/**
 * One delivery attempt. The row is leased by pushing next_attempt_at forward (a duplicate job finds it not due),
 * the call is made outside any transaction, and the outcome schedules the next attempt with exponential backoff
 * and jitter until the 48 h window closes; then the delivery is dead-lettered (listed by the API, replayable).
 */
export async function attemptDelivery(rt: Runtime, deliveryId: string): Promise<string> {
  const { settings, ring } = ctx(rt);
  const em = rt.orm.em.fork();
  const d = await sqlOne<OutboundRow>(
    em,
    `update outbound_delivery set next_attempt_at = now() + make_interval(secs => ?), attempts = attempts + 1
    where id = ? and status = 'pending' and next_attempt_at <= now() returning *`,
    [Math.ceil(settings.timeoutMs / 1000) * 2 + 5, deliveryId],
  );
  if (!d) return 'not due';
  const body = JSON.stringify(d.body);
  const ts = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Dockside-Webhooks/1',
    'webhook-id': `msg_${d.id}`,
    'webhook-timestamp': String(ts),
  };
  let secret: string | undefined;
  if (d.subscription_id) {
    const sub = await sqlOne<Pick<WebhookSubscriptionRow, 'secret_enc' | 'active'>>(
      em,
      'select secret_enc, active from webhook_subscription where id = ?',
      [d.subscription_id],
    );
    if (!sub?.active) {
      await sql(em, `update outbound_delivery set status = 'dead', last_error = 'subscription disabled' where id = ?`, [d.id]);
      return 'dead';
    }
    secret = openSecret(ring, sub.secret_enc, `subscription:${d.subscription_id}:secret`);
  } else {
    // A delivery without a subscription is a storefront callback, written with its connector (outbound.service.ts).
    const c = (await getConnectorRow(em, d.connector_id!))!;
    secret = webhookSecretOf(ring, c);
    const token = apiTokenOf(ring, c);
    if (token && c.kind === 'shopify') headers['x-shopify-access-token'] = token;
    if (token && c.kind === 'woocommerce') headers.authorization = `Basic ${Buffer.from(token).toString('base64')}`;
  }
  let payload = body;
  if (d.kind === 'shopify' && d.body && typeof d.body === 'object' && SHOPIFY_FO_LOOKUP in (d.body as object)) {
    // Shopify fulfils through fulfillment orders: read the order's open ones first (a failure here is retried like the POST).
    const lookup = String((d.body as Record<string, unknown>)[SHOPIFY_FO_LOOKUP]);
    const fo = await safeRequest(outboundHttp(settings, 1024 * 1024), lookup, {
      method: 'GET',
      headers: { ...headers, accept: 'application/json' },
    });
    if (fo.status >= 200 && fo.status < 300) {
      const list = (JSON.parse(fo.body || '{}') as { fulfillment_orders?: [] }).fulfillment_orders ?? [];
      const ready = shopifyFulfillmentBody(d.body as Record<string, unknown>, list);
      if (!ready) {
        await sql(
          em,
          `update outbound_delivery set status = 'delivered', delivered_at = now(), last_status = ?, last_error = ? where id = ?`,
          [fo.status, 'no open fulfillment order: already fulfilled', d.id],
        );
        return 'delivered';
      }
      payload = JSON.stringify(ready);
    } else payload = '';
    if (!payload)
      return retryOrDie(rt, em, d, {
        status: fo.status,
        error: fo.error ?? `fulfillment orders: HTTP ${fo.status}: ${fo.body.slice(0, 200)}`,
      });
  }
  headers['webhook-signature'] = standardWebhookSignature(secret, headers['webhook-id']!, ts, payload);
  // Only the start of a receiver's answer is kept (the delivery log shows it); more is refused while reading.
  const r = await safeRequest(outboundHttp(settings, 64 * 1024), d.url, { method: d.method, headers, body: payload });
  if (r.status >= 200 && r.status < 300) {
    await sql(
      em,
      `update outbound_delivery set status = 'delivered', delivered_at = now(), last_status = ?, last_error = null where id = ?`,
      [r.status, d.id],
    );
    return 'delivered';
  }
  return retryOrDie(rt, em, d, {
    status: r.status,
    error: r.error ?? `HTTP ${r.status}: ${r.body.slice(0, 300)}`,
    retryAfterS: r.retryAfterS,
  });
}

/** A failed attempt: the next one is scheduled with backoff and jitter, or the delivery dies past the retry window. */
async function retryOrDie(
  rt: Runtime,
  em: ReturnType<Runtime['orm']['em']['fork']>,
  d: OutboundRow,
  r: { status: number; error: string; retryAfterS?: number | null },
): Promise<string> {
  const { settings } = ctx(rt);
  const error = r.error;
  const attempts = d.attempts;
  const ageS = (Date.now() - new Date(d.created_at).getTime()) / 1000;
  const gone = r.status === 410 && !!d.subscription_id;
  const delay = Math.max((r.retryAfterS ?? 0) * 1000, backoffMs(attempts, settings.backoffBaseMs, settings.backoffMaxMs, Math.random()));
  if (gone || r.error.startsWith('refused:') || ageS + delay / 1000 > settings.retryWindowS) {
    await withTx(rt.orm.em, async (tx) => {
      await sql(tx, `update outbound_delivery set status = 'dead', last_status = ?, last_error = ? where id = ?`, [
        r.status || null,
        error,
        d.id,
      ]);
      if (gone) await sql(tx, 'update webhook_subscription set active = false where id = ?', [d.subscription_id]);
      if (d.order_id)
        await logOrder(tx, d.order_id, {
          category: 'fulfilment',
          action: 'callback_dead',
          message: `Storefront callback ${d.event_type} gave up after ${attempts} attempt(s): ${error}`,
        });
    });
    return 'dead';
  }
  await sql(
    em,
    `update outbound_delivery set next_attempt_at = now() + make_interval(secs => ?), last_status = ?, last_error = ? where id = ?`,
    [delay / 1000, r.status || null, error, d.id],
  );
  await rt.queues.add('webhook-delivery', { deliveryId: d.id }, { jobId: `wd-${d.id}-${attempts}`, delay });
  return `retry in ${delay} ms`;
}

export const webhookDeliveryProcessor =
  (rt: Runtime): Processor =>
  async (job) =>
    attemptDelivery(rt, queueDefs['webhook-delivery'].payload.parse(job.data).deliveryId);

/** Shipment progress → order status + storefront callbacks. */
export const fulfilmentCallbacksProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const e = parseDomainEvent(job.data);
    const ids = await withTx(rt.orm.em, (tx) => recordFulfilment(tx, e));
    await enqueueDeliveries(rt, ids);
    return ids.length;
  };
