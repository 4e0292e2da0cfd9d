import { keyset } from '../shared/cursor.js';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { eventSchemas } from '../events/catalogue.js';
import { recordAudit } from '../identity/audit.js';
import { NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne, whereOf } from '../shared/sql.js';
import { sealSecret, type KeyRing } from './secret-box.js';
import { isBlockedAddress, urlShapeProblem } from './ssrf.js';
import { iso } from '../shared/time.js';
import type { IdRow } from '../shared/rows.js';

export const createSubscriptionBody = z.object({
  url: z.url().max(2000),
  eventTypes: z
    .array(z.string().regex(/^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$/))
    .min(1)
    .max(100)
    .describe('Event types, `context.*` prefixes or `*`'),
  warehouseId: z.uuid().optional().describe('Only events of this warehouse (default: every warehouse the creator sees — admins only)'),
  description: z.string().max(200).optional(),
});

export const subscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  warehouseId: z.string().nullable(),
  description: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export const createdSubscriptionView = subscriptionView.extend({
  secret: z.string().describe('Standard Webhooks signing secret (whsec_…), shown once'),
});

export const deliveryView = z.object({
  id: z.string(),
  webhookId: z.string(),
  target: z.enum(['connector', 'subscription']),
  targetId: z.string(),
  orderId: z.string().nullable(),
  kind: z.string(),
  eventType: z.string(),
  method: z.string(),
  url: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

type Row = Record<string, any>;
const toView = (r: Row): z.infer<typeof subscriptionView> => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  warehouseId: r.warehouse_id,
  description: r.description,
  active: r.active,
  createdAt: iso(r.created_at)!,
});

/**
 * Creates a Standard Webhooks subscription. The URL must be https (http allowed outside production) and must not
 * resolve to a private address unless allow-listed; the worker re-checks at connect time (DNS rebinding).
 */
export async function createSubscription(
  em: EntityManager,
  actor: Actor,
  ring: KeyRing,
  b: z.infer<typeof createSubscriptionBody>,
  net: { allowHttp: boolean; allowPrivate: string[]; resolve: (host: string) => Promise<string[]> },
) {
  if (b.warehouseId ? !canSeeWarehouse(actor, b.warehouseId) : !actor.allWarehouses)
    throw new NotFound('Warehouse', b.warehouseId ?? '(all)');
  const shape = urlShapeProblem(b.url, net.allowHttp);
  if (shape) throw new ValidationFailed(shape, [{ path: 'url', message: shape }]);
  const host = new URL(b.url).hostname.replace(/^\[|\]$/g, '');
  const addrs = await net.resolve(host).catch(() => []);
  if (!addrs.length) throw new ValidationFailed(`Host ${host} does not resolve`, [{ path: 'url', message: 'does not resolve' }]);
  const bad = addrs.find((a) => isBlockedAddress(a, net.allowPrivate));
  if (bad)
    throw new ValidationFailed(
      `URL resolves to a private address (${bad}); outbound webhooks may only reach public hosts`,
      [{ path: 'url', message: 'private address' }],
      'ssrf-blocked',
    );
  const known = Object.keys(eventSchemas);
  const unknown = b.eventTypes.filter((t) => t !== '*' && !t.endsWith('.*') && !known.includes(t));
  if (unknown.length)
    throw new ValidationFailed(
      `Unknown event types: ${unknown.join(', ')}`,
      unknown.map((u) => ({ path: 'eventTypes', message: `unknown ${u}` })),
    );
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const [{ id }] = (await sql<IdRow>(em, 'select gen_random_uuid() as id')) as [{ id: string }];
  const row = (await sqlOne<Row>(
    em,
    `insert into webhook_subscription (id, warehouse_id, url, event_types, secret_enc, description, created_by) values (?, ?, ?, ?::text[], ?, ?, ?) returning *`,
    [
      id,
      b.warehouseId ?? null,
      b.url,
      `{${b.eventTypes.join(',')}}`,
      sealSecret(ring, secret, `subscription:${id}:secret`),
      b.description ?? null,
      actor.id,
    ],
  ))!;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'webhook_subscription.created',
    objectType: 'webhook_subscription',
    objectId: id,
    warehouseId: b.warehouseId,
    details: { url: b.url, eventTypes: b.eventTypes },
  });
  return { ...toView(row), secret };
}

const subscriptionKeys = keyset(['time', 'uuid']);

/** Subscriptions the actor may see (warehouse-less ones: admins of all warehouses), oldest first, keyset-paginated in SQL. */
export async function listSubscriptions(em: EntityManager, actor: Actor, q: { cursor?: string; limit: number }) {
  const after = subscriptionKeys.after(q.cursor);
  const rows = await sql<Row>(
    em,
    `select *, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_us from webhook_subscription
    where (?::boolean or warehouse_id = any(?::uuid[]))
      and (?::timestamptz is null or (created_at, id) > (?::timestamptz, ?::uuid))
    order by created_at, id limit ?`,
    [actor.allWarehouses, `{${actor.warehouseIds.join(',')}}`, after?.[0] ?? null, after?.[0] ?? null, after?.[1] ?? null, q.limit + 1],
  );
  const page = subscriptionKeys.page(rows, q.limit, (r) => [r.created_us as string, r.id as string]);
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

export async function deactivateSubscription(em: EntityManager, actor: Actor, id: string) {
  const r = await sqlOne<Row>(em, 'select * from webhook_subscription where id = ?', [id]);
  if (!r || (r.warehouse_id ? !canSeeWarehouse(actor, r.warehouse_id) : !actor.allWarehouses))
    throw new NotFound('Webhook subscription', id);
  await sql(em, 'update webhook_subscription set active = false where id = ?', [id]);
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'webhook_subscription.deactivated',
    objectType: 'webhook_subscription',
    objectId: id,
  });
}

function deliveryToView(r: Row): z.infer<typeof deliveryView> {
  return {
    id: r.id,
    webhookId: `msg_${r.id}`,
    target: r.connector_id ? 'connector' : 'subscription',
    targetId: r.connector_id ?? r.subscription_id,
    orderId: r.order_id,
    kind: r.kind,
    eventType: r.event_type,
    method: r.method,
    url: r.url,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: iso(r.next_attempt_at)!,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: iso(r.created_at)!,
    deliveredAt: iso(r.delivered_at),
  };
}

/** Outbound deliveries (storefront callbacks and subscription webhooks), newest first; dead ones are the dead-letter view. */
export async function listDeliveries(
  em: EntityManager,
  actor: Actor,
  q: { status?: string; orderId?: string; cursor?: string; limit: number },
) {
  const after = subscriptionKeys.after(q.cursor);
  const where = whereOf([
    !actor.allWarehouses && ['warehouse_id = any(?::uuid[])', `{${actor.warehouseIds.join(',')}}`],
    q.status && ['status = ?', q.status],
    q.orderId && ['order_id = ?', q.orderId],
    after && ['(created_at, id) < (?::timestamptz, ?::uuid)', ...after],
  ]);
  const rows = await sql<Row>(
    em,
    `select *, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_us from outbound_delivery
    ${where.sql} order by created_at desc, id desc limit ?`,
    [...where.params, q.limit + 1],
  );
  const page = subscriptionKeys.page(rows, q.limit, (r) => [r.created_us as string, r.id as string]);
  return { items: page.items.map(deliveryToView), nextCursor: page.nextCursor };
}

/** Puts a dead (or pending) delivery back in line now, with a fresh 48 h window. */
export async function retryDelivery(em: EntityManager, actor: Actor, id: string) {
  const r = await sqlOne<Row>(em, 'select * from outbound_delivery where id = ?', [id]);
  if (!r || (r.warehouse_id ? !canSeeWarehouse(actor, r.warehouse_id) : !actor.allWarehouses)) throw new NotFound('Delivery', id);
  const row =
    (await sqlOne<Row>(
      em,
      `update outbound_delivery set status = 'pending', next_attempt_at = now(), created_at = now(), last_error = null where id = ? and status <> 'delivered' returning *`,
      [id],
    )) ?? r;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'outbound_delivery.retried',
    objectType: 'outbound_delivery',
    objectId: id,
  });
  return deliveryToView(row);
}
