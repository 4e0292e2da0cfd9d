import { purgeExpiredPersonalData } from '../domain/orders/privacy.service.js';
import type { Processor } from 'bullmq';
import { apiTokenOf, getConnectorRow, reencryptSecrets } from '../domain/orders/connector.service.js';
import { dispatchToSubscriptions, dueDeliveries } from '../domain/orders/outbound.service.js';
import { advancePollCursor, ingestPolled, nextPollUrl, pollUrl, POLL_OVERLAP_S } from '../domain/orders/reconciliation.js';
import { keyRing } from '../domain/orders/secret-box.js';
import { sql } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { outboundHttp } from './safe-http.js';
import { safeRequest } from './safe-http.js';
import type { WebhookDeliveryRow } from '../domain/orders/entities/webhook-delivery.entity.js';
import type { SalesOrderRow } from '../domain/orders/entities/sales-order.entity.js';
import type { ConnectorRow } from '../domain/orders/entities/connector.entity.js';
import type { WarehouseRow } from '../domain/layout/entities/warehouse.entity.js';

const MAX_PAGES = 50;

/** Pulls the store's recently modified orders into the idempotent import path; returns how many were new. */
async function pollConnector(rt: Runtime, connectorId: string) {
  const settings = rt.config.orders;
  const ring = keyRing(rt.config.SECRETS_KEY, settings.previousSecretKeys);
  const em = rt.orm.em.fork();
  const c = await getConnectorRow(em, connectorId);
  if (!c || !c.active || !c.poll_enabled || c.kind === 'api') return { skipped: 'not pollable' };
  const cursor = c.poll_cursor ? new Date(c.poll_cursor) : new Date(new Date(c.created_at).getTime() - 86_400_000);
  // Overlap the window: the store's clock and its indexing lag can surface an order a little late.
  let url = pollUrl(c, new Date(cursor.getTime() - POLL_OVERLAP_S * 1000).toISOString());
  const token = apiTokenOf(ring, c);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Dockside-Reconciliation/1' };
  if (token && c.kind === 'shopify') headers['x-shopify-access-token'] = token;
  if (token && c.kind === 'woocommerce') headers.authorization = `Basic ${Buffer.from(token).toString('base64')}`;
  let imported = 0;
  let newest: string | undefined;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const r = await safeRequest(outboundHttp(settings), url, { method: 'GET', headers });
    if (r.status !== 200) throw new Error(`poll of connector ${c.id} failed: ${r.error ?? `HTTP ${r.status}`}`);
    const body = JSON.parse(r.body) as unknown;
    const orders = (Array.isArray(body) ? body : ((body as { orders?: unknown[] }).orders ?? [])) as Record<string, unknown>[];
    const got = await ingestPolled(em, c, orders);
    for (const id of got.deliveryIds) await rt.queues.add('webhook-intake', { deliveryId: id }, { jobId: `wh-${id}` });
    imported += got.deliveryIds.length;
    if (got.newest && (!newest || got.newest > newest)) newest = got.newest;
    url = nextPollUrl(c.kind, url, { link: r.headers.link, totalPages: r.headers['x-wp-totalpages'] }, orders.length);
  }
  await advancePollCursor(em, c.id, newest);
  return { imported, newest };
}

/**
 * The repair sweep (Postgres is the source of truth; Redis may lose jobs): re-enqueues deliveries and orders whose
 * jobs went missing and outbound deliveries that are due, keeps one poll scheduler per pollable connector, and
 * prunes idempotency keys past their retention.
 */
async function sweep(rt: Runtime) {
  const s = rt.config.orders;
  const em = rt.orm.em.fork();
  const bucket = Math.floor(Date.now() / s.intakeStaleMs);
  const stuck = await sql<Pick<WebhookDeliveryRow, 'id'>>(
    em,
    // Poison (failed JOB_MAX_ATTEMPTS times) stays out: its job is parked in the dead-letter store for an admin.
    `select id from webhook_delivery where status = 'received' and received_at < now() - make_interval(secs => ?) and attempts < ?
    order by attempts, received_at limit 1000`,
    [s.intakeStaleMs / 1000, rt.config.JOB_MAX_ATTEMPTS],
  );
  for (const d of stuck) await rt.queues.add('webhook-intake', { deliveryId: d.id }, { jobId: `wh-${d.id}-s${bucket}` });
  const waiting = await sql<Pick<SalesOrderRow, 'id' | 'warehouse_id'>>(
    em,
    `select id, warehouse_id from sales_order where status = 'pending' and updated_at < now() - make_interval(secs => ?) order by created_at limit 1000`,
    [s.intakeStaleMs / 1000],
  );
  for (const o of waiting)
    await rt.queues.add(
      'allocation',
      { orderId: o.id, warehouseId: o.warehouse_id, reason: 'sweep: pending without a job' },
      { jobId: `alloc-${o.id}-s${bucket}` },
    );
  const due = await dueDeliveries(em);
  for (const d of due) await rt.queues.add('webhook-delivery', { deliveryId: d.id }, { jobId: `wd-${d.id}-${d.attempts}-s${bucket}` });
  const q = rt.queues.get('reconciliation');
  const connectors = await sql<Pick<ConnectorRow, 'id' | 'poll_enabled' | 'active' | 'kind' | 'poll_interval_s'>>(
    em,
    'select id, poll_enabled, active, kind, poll_interval_s from connector',
  );
  for (const c of connectors) {
    if (c.poll_enabled && c.active && c.kind !== 'api')
      await q.upsertJobScheduler(
        `poll-${c.id}`,
        { every: c.poll_interval_s * 1000 },
        { name: 'poll', data: { kind: 'poll', connectorId: c.id } },
      );
    else await q.removeJobScheduler(`poll-${c.id}`);
  }
  // Outbox retention: relayed events past OUTBOX_RETENTION_S go (in slices, so one sweep never holds a long lock);
  // a socket asking to replay from before the oldest kept event is told to resync.
  const outboxPruned = await sql(
    em,
    `delete from outbox where id in (select id from outbox where relayed_at is not null and created_at < now() - make_interval(secs => ?) order by id limit 10000) returning 1`,
    [rt.config.OUTBOX_RETENTION_S],
  );
  const pruned = await sql(em, 'delete from idempotency_key where created_at < now() - make_interval(secs => ?) returning 1', [
    s.idempotencyTtlS,
  ]);
  // After a key rotation (old key kept in SECRETS_KEYS_PREVIOUS) secrets move to the current key.
  const reencrypted = s.previousSecretKeys.length
    ? await withTx(rt.orm.em, (tx) => reencryptSecrets(tx, keyRing(rt.config.SECRETS_KEY, s.previousSecretKeys)))
    : 0;
  return {
    stuck: stuck.length,
    waiting: waiting.length,
    due: due.length,
    connectors: connectors.length,
    pruned: pruned.length,
    outboxPruned: outboxPruned.length,
    reencrypted,
  };
}

/** Registers the sweep scheduler once per worker process (upsert: idempotent across processes and restarts). */
export const reconciliationProcessor = (rt: Runtime): Processor => {
  const s = rt.config.orders;
  const q = rt.queues.get('reconciliation');
  void Promise.all([
    q.upsertJobScheduler('sweep', { every: s.reconcileEveryMs }, { name: 'sweep', data: { kind: 'sweep' } }),
    q.upsertJobScheduler('dispatch', { every: s.dispatchEveryMs }, { name: 'dispatch', data: { kind: 'dispatch' } }),
    q.upsertJobScheduler('privacy-purge', { every: s.privacyPurgeEveryMs }, { name: 'privacy-purge', data: { kind: 'privacy-purge' } }),
  ]).catch((err: unknown) => rt.logger.error({ err }, 'could not schedule the orders sweep'));
  return async (job) => {
    const p = queueDefs.reconciliation.payload.parse(job.data);
    if (p.kind === 'poll' && p.connectorId) return pollConnector(rt, p.connectorId);
    if (p.kind === 'dispatch') return dispatch(rt);
    if (p.kind === 'privacy-purge')
      return purgeExpiredPersonalData(rt.orm.em, { piiDays: s.piiRetentionDays, rawDays: s.rawPayloadRetentionDays });
    return sweep(rt);
  };
};

/** Subscription fan-out for every warehouse (cheap when nobody subscribed: the cursor just moves). */
async function dispatch(rt: Runtime) {
  const whs = await sql<Pick<WarehouseRow, 'id'>>(rt.orm.em.fork(), 'select id from warehouse');
  let n = 0;
  for (const w of whs) {
    const ids = await withTx(rt.orm.em, (tx) => dispatchToSubscriptions(tx, w.id));
    for (const id of ids) await rt.queues.add('webhook-delivery', { deliveryId: id }, { jobId: `wd-${id}-0` });
    n += ids.length;
  }
  return { deliveries: n };
}

export { dispatch, pollConnector, sweep };
