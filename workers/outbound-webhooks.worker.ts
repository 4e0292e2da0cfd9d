import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { Processor } from 'bullmq';
import { Agent, request } from 'undici';
import { relayedEventSchema } from '../domain/events/catalogue.js';
import { apiTokenOf, webhookSecretOf, type ConnectorRow } from '../domain/orders/connector.service.js';
import { standardWebhookSignature } from '../domain/orders/hmac.js';
import { fanOutToSubscriptions, recordFulfilment, type OutboundRow } from '../domain/orders/outbound.service.js';
import { backoffMs, ordersSettings, type OrdersSettings } from '../domain/orders/orders.settings.js';
import { keyRing, openSecret, type KeyRing } from '../domain/orders/secret-box.js';
import { isBlockedAddress } from '../domain/orders/ssrf.js';
import { logOrder } from '../domain/orders/order-log.js';
import { sql, sqlOne } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

export class SsrfBlocked extends Error {
  code = 'ESSRF';
}

/**
 * HTTP agent whose DNS lookup refuses private/special addresses (unless allow-listed), so a hostname that
 * resolves — or re-resolves (DNS rebinding) — to an internal address is refused at connect time.
 */
export function guardedAgent(allow: string[]): Agent {
  const lookup = (
    hostname: string,
    options: { family?: number; all?: boolean },
    cb: (err: Error | null, address?: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true, family: options?.family ?? 0 }, (err, addrs) => {
      if (err) return cb(err);
      const bad = addrs.find((a) => isBlockedAddress(a.address, allow));
      if (bad) return cb(new SsrfBlocked(`refused: ${hostname} resolves to private address ${bad.address}`));
      if (options?.all) return cb(null, addrs);
      return cb(null, addrs[0]!.address, addrs[0]!.family);
    });
  };
  return new Agent({ connect: { lookup: lookup as never }, keepAliveTimeout: 10_000 });
}

/** Refuses IP-literal URLs in blocked ranges up front (a literal never goes through DNS lookup). */
export function assertUrlAllowed(url: string, allow: string[]): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isBlockedAddress(host, allow)) throw new SsrfBlocked(`refused: ${host} is a private address`);
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  retryAfterS?: number;
  error?: string;
}

/** One outbound HTTP call: SSRF-guarded, no redirects followed, bounded time and body. */
export async function safeRequest(
  agent: Agent,
  s: OrdersSettings,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  maxBodyChars = 2000,
): Promise<HttpResult> {
  try {
    assertUrlAllowed(url, s.allowPrivate);
    const res = await request(url, {
      method: init.method as 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher: agent,
      headersTimeout: s.timeoutMs,
      bodyTimeout: s.timeoutMs,
    });
    const text = await res.body.text();
    if (text.length > maxBodyChars && maxBodyChars > 2000) throw new Error(`response larger than ${maxBodyChars} characters`);
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
    const ra = headers['retry-after'];
    const retryAfterS = ra && /^\d+$/.test(ra) ? Number(ra) : undefined;
    return { status: res.statusCode, body: text.slice(0, maxBodyChars), headers, retryAfterS };
  } catch (err) {
    return { status: 0, body: '', headers: {}, error: (err as Error).message };
  }
}

let shared: { agent: Agent; settings: OrdersSettings; ring: KeyRing } | undefined;
function ctx(rt: Runtime) {
  if (!shared) {
    const settings = ordersSettings(process.env);
    shared = { settings, agent: guardedAgent(settings.allowPrivate), ring: keyRing(rt.config.SECRETS_KEY, settings.previousSecretKeys) };
  }
  return shared;
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
  const { agent, settings, ring } = ctx(rt);
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
    const sub = await sqlOne<{ secret_enc: string; active: boolean }>(
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
    const c = (await sqlOne<ConnectorRow>(em, 'select * from connector where id = ?', [d.connector_id]))!;
    secret = webhookSecretOf(ring, c);
    const token = apiTokenOf(ring, c);
    if (token && c.kind === 'shopify') headers['x-shopify-access-token'] = token;
    if (token && c.kind === 'woocommerce') headers.authorization = `Basic ${Buffer.from(token).toString('base64')}`;
  }
  headers['webhook-signature'] = standardWebhookSignature(secret, headers['webhook-id']!, ts, body);
  const r = await safeRequest(agent, settings, d.url, { method: d.method, headers, body });
  if (r.status >= 200 && r.status < 300) {
    await sql(
      em,
      `update outbound_delivery set status = 'delivered', delivered_at = now(), last_status = ?, last_error = null where id = ?`,
      [r.status, d.id],
    );
    return 'delivered';
  }
  const error = r.error ?? `HTTP ${r.status}: ${r.body.slice(0, 300)}`;
  const attempts = d.attempts;
  const ageS = (Date.now() - new Date(d.created_at).getTime()) / 1000;
  const gone = r.status === 410 && !!d.subscription_id;
  const delay = Math.max((r.retryAfterS ?? 0) * 1000, backoffMs(attempts, settings.backoffBaseMs, settings.backoffMaxMs, Math.random()));
  if (gone || r.error?.startsWith('refused:') || ageS + delay / 1000 > settings.retryWindowS) {
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

/** Fans every domain event out to the webhook subscriptions that want it (subscriptions cached for 1 s). */
export const outboundWebhooksProcessor = (rt: Runtime): Processor => {
  let subs: { id: string; url: string; event_types: string[]; warehouse_id: string | null }[] = [];
  let at = 0;
  return async (job) => {
    const e = relayedEventSchema.parse(job.data);
    if (Date.now() - at > 1000) {
      subs = await sql(rt.orm.em.fork(), 'select id, url, event_types, warehouse_id from webhook_subscription where active');
      at = Date.now();
    }
    if (!subs.length) return 0;
    const ids = await withTx(rt.orm.em, (tx) => fanOutToSubscriptions(tx, e, subs));
    await enqueueDeliveries(rt, ids);
    return ids.length;
  };
};

/** Shipment progress → order status + storefront callbacks. */
export const fulfilmentCallbacksProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const e = relayedEventSchema.parse(job.data);
    const ids = await withTx(rt.orm.em, (tx) => recordFulfilment(tx, e));
    await enqueueDeliveries(rt, ids);
    return ids.length;
  };
