import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../identity/audit.js';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { cancelOrderTx } from './cancellation.js';
import { getConnectorRow } from './connector.service.js';
import { mapShopifyOrder } from './normalize/shopify.mapper.js';
import { mapWooOrder } from './normalize/woocommerce.mapper.js';
import { NotAnOrder, type NormalizedOrder } from './normalize/normalized-order.js';
import { importOrder, type ImportOutcome } from './order-import.service.js';
import { logOrder } from './order-log.js';
import type { WebhookDeliveryRow } from './entities/webhook-delivery.entity.js';
import type { IntakeDeadLetterRow } from './entities/intake-dead-letter.entity.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';

/** What a webhook topic means for us. */
export type TopicAction = 'import' | 'delete' | 'ignore' | 'unknown';

const SHOPIFY: Record<string, TopicAction> = {
  'orders/create': 'import',
  'orders/updated': 'import',
  'orders/cancelled': 'import',
  'orders/paid': 'import',
  'orders/edited': 'ignore',
  'orders/fulfilled': 'ignore',
  'orders/partially_fulfilled': 'ignore',
  'orders/delete': 'delete',
};
const WOO: Record<string, TopicAction> = {
  'order.created': 'import',
  'order.updated': 'import',
  'order.restored': 'import',
  'order.deleted': 'delete',
};

/** The action for a storefront's topic header (pure). */
export function topicAction(kind: 'shopify' | 'woocommerce', topic: string | undefined): TopicAction {
  if (!topic) return 'unknown';
  return (kind === 'shopify' ? SHOPIFY : WOO)[topic] ?? 'unknown';
}

/** Maps a body by storefront kind; throws NotAnOrder. */
export function mapByKind(kind: 'shopify' | 'woocommerce' | 'api', body: unknown): NormalizedOrder {
  if (kind === 'shopify') return mapShopifyOrder(body);
  if (kind === 'woocommerce') return mapWooOrder(body);
  throw new NotAnOrder('api connectors receive orders through POST /v1/orders');
}

/** Validates a deletion body: it needs the order id. */
export function deletedOrderId(body: unknown): string {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' && typeof id !== 'string') throw new NotAnOrder('a deletion needs the order id');
  return String(id);
}

/** Persists a verified delivery once (unique per connector + delivery id); `inserted` false for a re-delivery. */
export async function recordDelivery(
  em: EntityManager,
  d: {
    connectorId: string;
    source: 'shopify' | 'woocommerce' | 'poll';
    deliveryId: string;
    topic: string;
    rawBody: string;
    triggeredAt?: string;
  },
): Promise<{ id: string; inserted: boolean }> {
  const ins = await sqlOne<Pick<WebhookDeliveryRow, 'id'>>(
    em,
    `insert into webhook_delivery (connector_id, source, delivery_id, topic, raw_body, triggered_at)
    values (?, ?, ?, ?, ?, ?) on conflict (connector_id, delivery_id) do nothing returning id`,
    [d.connectorId, d.source, d.deliveryId, d.topic, d.rawBody, d.triggeredAt ?? null],
  );
  if (ins) return { id: ins.id, inserted: true };
  const cur = await sqlOne<Pick<WebhookDeliveryRow, 'id'>>(
    em,
    'select id from webhook_delivery where connector_id = ? and delivery_id = ?',
    [d.connectorId, d.deliveryId],
  );
  return { id: cur!.id, inserted: false };
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
  try {
    const body: unknown = JSON.parse(d.raw_body);
    if (action === 'delete') {
      const ext = deletedOrderId(body);
      const o = await sqlOne<Pick<SalesOrderRow, 'id'>>(tx, 'select id from sales_order where connector_id = ? and external_id = ?', [
        c.id,
        ext,
      ]);
      if (o) await cancelOrderTx(tx, o.id, { reason: 'deleted in the storefront', source: kind, refuseQuietly: true });
      await finish('processed', o?.id);
      return { status: 'processed', orderId: o?.id };
    }
    const order = mapByKind(kind, body);
    const r = await importOrder(tx, { connector: c, warehouseId: c.warehouse_id, source: d.source, order });
    await finish('processed', r.orderId);
    return { status: 'processed', orderId: r.orderId, outcome: r.outcome };
  } catch (err) {
    if (!(err instanceof NotAnOrder) && !(err instanceof SyntaxError)) throw err;
    const reason = err instanceof NotAnOrder ? err.reason : `invalid JSON: ${err.message}`;
    await recordDeadLetter(tx, {
      connectorId: c.id,
      warehouseId: c.warehouse_id,
      source: d.source,
      deliveryId: d.delivery_id,
      topic: d.topic,
      reason,
      rawBody: d.raw_body,
    });
    await finish('failed', undefined, reason);
    return { status: 'failed' };
  }
}

export interface DeadLetterRow {
  id: string;
  connector_id: string | null;
  warehouse_id: string;
  source: string;
  delivery_id: string | null;
  topic: string | null;
  reason: string;
  raw_body: string;
  created_at: Date | string;
  replayed_at: Date | string | null;
  replay_result: string | null;
}

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
  try {
    if (!c) throw new NotAnOrder('no connector to import through');
    const order = mapByKind(c.kind, JSON.parse(dl.raw_body));
    const r = await importOrder(tx, {
      connector: c,
      warehouseId: c.warehouse_id,
      source: dl.source === 'woocommerce' || dl.source === 'shopify' ? dl.source : 'poll',
      order,
    });
    result = r.outcome;
    orderId = r.orderId;
    await logOrder(tx, r.orderId, { category: 'intake', action: 'replayed', message: `Imported by replaying dead letter ${id}` });
  } catch (err) {
    if (!(err instanceof NotAnOrder) && !(err instanceof SyntaxError)) throw err;
    result = `still not an order: ${err instanceof NotAnOrder ? err.reason : err.message}`;
  }
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
