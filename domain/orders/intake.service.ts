import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../identity/audit.js';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { pgArray, sql, sqlOne, sqlPrepared } from '../shared/sql.js';
import { cancelOrderTx } from './cancellation.js';
import { getConnectorRow } from './connector.service.js';
import { readDeliveryBody, topicAction } from './delivery-body.js';
import { importOrder, type ImportOutcome } from './order-import.service.js';
import { logOrder } from './order-log.js';
import type { WebhookDeliveryRow } from './entities/webhook-delivery.entity.js';
import type { IntakeDeadLetterRow } from './entities/intake-dead-letter.entity.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';

/** A verified delivery to store: the raw body as received, the storefront's delivery id, topic and send time. */
export interface DeliveryToStore {
  connectorId: string;
  source: 'shopify' | 'woocommerce' | 'poll';
  deliveryId: string;
  topic: string;
  rawBody: string;
  /** ISO time the storefront says it sent the delivery (X-Shopify-Triggered-At); unparseable values are dropped. */
  triggeredAt?: string;
}
export type StoredDelivery = { id: string; inserted: boolean };
export type StoredDeliveryRow = Pick<WebhookDeliveryRow, 'id' | 'connector_id' | 'delivery_id'>;

const isoOrNull = (t: string | undefined) => (t && !Number.isNaN(Date.parse(t)) ? t : null);

/**
 * Persists verified deliveries once each (unique per connector + delivery id) with one multi-row insert: the group
 * commit of the webhook edge hands it whatever arrived while the previous batch was being written. `inserted` is false
 * for a re-delivery (already stored, or earlier in the same batch). Results are in the order of `ds`.
 */
export async function recordDeliveries(em: EntityManager, ds: readonly DeliveryToStore[]): Promise<StoredDelivery[]> {
  if (!ds.length) return [];
  const key = (connectorId: string, deliveryId: string) => `${connectorId}\n${deliveryId}`;
  // The batch is one JSON parameter of a prepared statement: JSON.stringify escapes the bodies (up to ~1 MB a batch) in
  // native code, where six Postgres array literals escaped each body with a regular expression in JS (and through
  // em.execute, before that, knex escaped the whole statement text one character at a time).
  const rows = JSON.stringify(
    ds.map((d) => ({ c: d.connectorId, s: d.source, d: d.deliveryId, t: d.topic, b: d.rawBody, at: isoOrNull(d.triggeredAt) })),
  );
  const fresh = await sqlPrepared<StoredDeliveryRow>(
    em,
    `insert into webhook_delivery (connector_id, source, delivery_id, topic, raw_body, triggered_at)
    select c, s, d, t, b, at from json_to_recordset(?::json) as x(c uuid, s text, d text, t text, b text, at timestamptz)
    on conflict (connector_id, delivery_id) do nothing returning id, connector_id, delivery_id`,
    [rows],
  );
  const ids = new Map(fresh.map((r) => [key(r.connector_id, r.delivery_id), r.id]));
  const inserted = new Set(ids.keys());
  if (fresh.length < ds.length) {
    // Re-deliveries: committed before this insert (or by a racing one it waited for), so a new statement sees them.
    const known = await sqlPrepared<StoredDeliveryRow>(
      em,
      `select id, connector_id, delivery_id from webhook_delivery
      where (connector_id, delivery_id) in (select * from unnest(?::uuid[], ?::text[]))`,
      [pgArray(ds.map((d) => d.connectorId)), pgArray(ds.map((d) => d.deliveryId))],
    );
    for (const r of known) if (!ids.has(key(r.connector_id, r.delivery_id))) ids.set(key(r.connector_id, r.delivery_id), r.id);
  }
  return ds.map((d) => {
    const k = key(d.connectorId, d.deliveryId);
    // The first of several same-id deliveries in one batch is the one that inserted the row.
    const first = inserted.delete(k);
    return { id: ids.get(k)!, inserted: first };
  });
}

/** Persists one verified delivery once; `inserted` false for a re-delivery. */
export async function recordDelivery(em: EntityManager, d: DeliveryToStore): Promise<StoredDelivery> {
  return (await recordDeliveries(em, [d]))[0]!;
}

export async function recordDeadLetter(
  em: EntityManager,
  d: {
    connectorId: string | null;
    warehouseId: string;
    source: string;
    deliveryId?: string;
    topic?: string;
    reason: string;
    rawBody: string;
  },
): Promise<string> {
  const r = await sqlOne<Pick<IntakeDeadLetterRow, 'id'>>(
    em,
    `insert into intake_dead_letter (connector_id, warehouse_id, source, delivery_id, topic, reason, raw_body) values (?, ?, ?, ?, ?, ?, ?) returning id`,
    [d.connectorId, d.warehouseId, d.source, d.deliveryId ?? null, d.topic ?? null, d.reason, d.rawBody],
  );
  return r!.id;
}

/**
 * Processes one stored delivery exactly once (row lock + status): maps it and runs the idempotent import.
 * A delivery that is not an order after all goes to the dead-letter table. Returns the order touched.
 */
export async function processDelivery(
  tx: EntityManager,
  deliveryRowId: string,
): Promise<{ status: string; orderId?: string; outcome?: ImportOutcome }> {
  const d = await sqlOne<Pick<WebhookDeliveryRow, 'id' | 'connector_id' | 'source' | 'delivery_id' | 'topic' | 'raw_body' | 'status'>>(
    tx,
    'select id, connector_id, source, delivery_id, topic, raw_body, status from webhook_delivery where id = ? for update',
    [deliveryRowId],
  );
  if (!d) return { status: 'missing' };
  if (d.status !== 'received') return { status: d.status };
  const c = (await getConnectorRow(tx, d.connector_id))!;
  const kind = d.source === 'poll' ? (c.kind === 'api' ? 'shopify' : c.kind) : d.source;
  const action = d.source === 'poll' ? 'import' : topicAction(kind, d.topic);
  const finish = (status: string, orderId?: string, error?: string) =>
    sql(tx, `update webhook_delivery set status = ?, order_id = ?, error = ?, attempts = attempts + 1, processed_at = now() where id = ?`, [
      status,
      orderId ?? null,
      error ?? null,
      d.id,
    ]);
  if (action === 'ignore' || action === 'unknown') {
    await finish('ignored', undefined, `topic ${d.topic}`);
    return { status: 'ignored' };
  }
  const read = readDeliveryBody(kind, action, d.raw_body);
  if (!read.ok) {
    await recordDeadLetter(tx, {
      connectorId: c.id,
      warehouseId: c.warehouse_id,
      source: d.source,
      deliveryId: d.delivery_id,
      topic: d.topic,
      reason: read.reason,
      rawBody: d.raw_body,
    });
    await finish('failed', undefined, read.reason);
    return { status: 'failed' };
  }
  if (read.action === 'delete') {
    const o = await sqlOne<Pick<SalesOrderRow, 'id'>>(tx, 'select id from sales_order where connector_id = ? and external_id = ?', [
      c.id,
      read.externalId,
    ]);
    if (o) await cancelOrderTx(tx, o.id, { reason: 'deleted in the storefront', source: kind, refuseQuietly: true });
    await finish('processed', o?.id);
    return { status: 'processed', orderId: o?.id };
  }
  const r = await importOrder(tx, { connector: c, warehouseId: c.warehouse_id, source: d.source, order: read.order });
  await finish('processed', r.orderId);
  return { status: 'processed', orderId: r.orderId, outcome: r.outcome };
}

/** `select * from intake_dead_letter`: the whole row. */
export type DeadLetterRow = IntakeDeadLetterRow;

const deadLetterKeys = keyset(['time', 'uuid']);

export async function listDeadLetters(
  em: EntityManager,
  actor: Actor,
  q: { warehouseId?: string; connectorId?: string; cursor?: string; limit: number },
): Promise<{ items: DeadLetterRow[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!actor.allWarehouses) {
    where.push('warehouse_id = any(?::uuid[])');
    params.push(`{${actor.warehouseIds.join(',')}}`);
  }
  if (q.warehouseId) {
    where.push('warehouse_id = ?');
    params.push(q.warehouseId);
  }
  if (q.connectorId) {
    where.push('connector_id = ?');
    params.push(q.connectorId);
  }
  const after = deadLetterKeys.after(q.cursor);
  if (after) {
    where.push('(created_at, id) < (?::timestamptz, ?::uuid)');
    params.push(...after);
  }
  const rows = await sql<DeadLetterRow>(
    em,
    `select * from intake_dead_letter ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at desc, id desc limit ?`,
    [...params, q.limit + 1],
  );
  return deadLetterKeys.page(rows, q.limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
}

/**
 * Replays a dead letter through the normal import path (after a mapper or payload fix). Returns the result;
 * the dead letter keeps its history (replayed_at, replay_result).
 */
export async function replayDeadLetter(tx: EntityManager, actor: Actor, id: string): Promise<{ result: string; orderId?: string }> {
  const dl = await sqlOne<DeadLetterRow>(tx, 'select * from intake_dead_letter where id = ? for update', [id]);
  if (!dl || !canSeeWarehouse(actor, dl.warehouse_id)) throw new NotFound('Dead letter', id);
  const c = dl.connector_id ? await getConnectorRow(tx, dl.connector_id) : undefined;
  let result: string;
  let orderId: string | undefined;
  const read = c ? readDeliveryBody(c.kind, 'import', dl.raw_body) : undefined;
  if (c && read?.ok && read.action === 'import') {
    const r = await importOrder(tx, {
      connector: c,
      warehouseId: c.warehouse_id,
      source: dl.source === 'woocommerce' || dl.source === 'shopify' ? dl.source : 'poll',
      order: read.order,
    });
    result = r.outcome;
    orderId = r.orderId;
    await logOrder(tx, r.orderId, { category: 'intake', action: 'replayed', message: `Imported by replaying dead letter ${id}` });
  } else result = `still not an order: ${read?.ok === false ? read.reason : 'no connector to import through'}`;
  await sql(tx, 'update intake_dead_letter set replayed_at = now(), replay_result = ? where id = ?', [result, id]);
  await recordAudit(tx, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'intake.dead_letter_replayed',
    objectType: 'intake_dead_letter',
    objectId: id,
    warehouseId: dl.warehouse_id,
    details: { result },
  });
  return { result, orderId };
}
export type IntakeStatsRow = Pick<WebhookDeliveryRow, 'status'> & { n: string };
export type IntakeStatsRow2 = Pick<SalesOrderRow, 'status'> & { n: string };

/** Counts of a connector's deliveries and orders by status (operations dashboard, load tests). */
export async function intakeStats(
  em: EntityManager,
  connectorId: string,
): Promise<{ deliveries: Record<string, number>; orders: Record<string, number> }> {
  const [d, o] = await Promise.all([
    sql<IntakeStatsRow>(em, 'select status, count(*) as n from webhook_delivery where connector_id = ? group by status', [connectorId]),
    sql<IntakeStatsRow2>(em, 'select status, count(*) as n from sales_order where connector_id = ? group by status', [connectorId]),
  ]);
  return {
    deliveries: Object.fromEntries(d.map((r) => [r.status, Number(r.n)])),
    orders: Object.fromEntries(o.map((r) => [r.status, Number(r.n)])),
  };
}
