/**
 * Customer personal data: who sees it, who looked, how long it is kept, and Shopify's mandatory compliance
 * webhooks (customers/data_request, customers/redact, shop/redact; shopify.dev "Privacy law compliance": HMAC-verified
 * JSON POSTs, 401 on a bad HMAC, the data request answered to the merchant, redaction done within 30 days).
 *
 * - Field level by role: pickers, packers, receivers and drivers get an order's customer and address without email,
 *   phone or street (name, postcode, city and country are what a floor needs); supervisors, dispatchers, admins and
 *   integrations see it all, and every such view is audited (`customer_data.viewed`).
 * - Redaction replaces `customer` and `ship_to` with `{ redacted: true, redactedAt }` and blanks the raw storefront
 *   payloads that carried them; it never deletes the order (stock, shipments and history stay consistent).
 * - Retention: orders finished (shipped, delivered, cancelled) more than PII_RETENTION_DAYS ago are redacted, raw
 *   payloads older than RAW_PAYLOAD_RETENTION_DAYS are blanked, by the scheduled purge.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../identity/audit.js';
import { NotFound, ValidationFailed } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { WebhookDeliveryRow } from './entities/webhook-delivery.entity.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';
import type { IdRow } from '../shared/rows.js';

/** Roles that see customer contact data (email, phone, street). */
const PII_ROLES = ['admin', 'supervisor', 'dispatcher'] as const;
/** What a floor role keeps of an address. */
const FLOOR_ADDRESS_KEYS = ['name', 'postcode', 'city', 'province', 'country', 'countryCode', 'redacted'];
const FLOOR_CUSTOMER_KEYS = ['name', 'redacted'];
/** Keys that are personal data wherever they appear in a view. */
export const PII_KEYS = ['email', 'phone', 'address1', 'address2', 'company'] as const;

export function seesCustomerData(actor: Actor): boolean {
  return actor.kind === 'api_client' || PII_ROLES.some((r) => actor.roles.includes(r));
}

const pick = (o: Record<string, unknown> | null | undefined, keys: string[]) =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => keys.includes(k)));

/** The customer and address an actor may see (floor roles: no email, phone or street). */
export function customerFieldsFor(
  actor: Actor,
  customer: Record<string, unknown>,
  shipTo: Record<string, unknown>,
): { customer: Record<string, unknown>; shipTo: Record<string, unknown> } {
  if (seesCustomerData(actor)) return { customer, shipTo };
  return { customer: pick(customer, FLOOR_CUSTOMER_KEYS), shipTo: pick(shipTo, FLOOR_ADDRESS_KEYS) };
}

/** Audits that `actor` was shown the personal data of these orders (one entry per request). */
export async function auditPersonalDataView(
  em: EntityManager,
  actor: Actor,
  what: { orderIds: string[]; warehouseId?: string; via: string },
): Promise<void> {
  if (what.orderIds.length === 0 || !seesCustomerData(actor)) return;
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'customer_data.viewed',
    objectType: 'sales_order',
    objectId: what.orderIds.length === 1 ? what.orderIds[0] : undefined,
    warehouseId: what.warehouseId,
    deviceId: actor.deviceId,
    details: { via: what.via, orderIds: what.orderIds.slice(0, 500), count: what.orderIds.length },
  });
}

const redactedJson = () => JSON.stringify({ redacted: true, redactedAt: new Date().toISOString() });

/** Redacts the personal data of these orders and blanks the raw payloads that carried them; returns the ids redacted. */
export async function redactOrders(tx: EntityManager, orderIds: string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const ids = `{${orderIds.join(',')}}`;
  const rows = await sql<IdRow>(
    tx,
    `update sales_order set customer = ?::jsonb, ship_to = ?::jsonb, notes = null, updated_at = now()
    where id = any(?::uuid[]) and ship_to->'redacted' is null returning id::text as id`,
    [redactedJson(), redactedJson(), ids],
  );
  await sql(tx, `update webhook_delivery set raw_body = '' where order_id = any(?::uuid[]) and raw_body <> ''`, [ids]);
  await sql(tx, `update shipment set ship_to = ?::jsonb where order_id = any(?::uuid[]) and ship_to->'redacted' is null`, [
    redactedJson(),
    ids,
  ]);
  return rows.map((r) => r.id);
}

const customerPayload = z.object({
  shop_id: z.union([z.number(), z.string()]).optional(),
  shop_domain: z.string().max(255).optional(),
  customer: z
    .object({
      id: z.union([z.number(), z.string()]).optional(),
      email: z.string().max(254).optional().nullable(),
      phone: z.string().max(64).optional().nullable(),
    })
    .optional(),
  orders_to_redact: z
    .array(z.union([z.number(), z.string()]))
    .max(10_000)
    .optional(),
  orders_requested: z
    .array(z.union([z.number(), z.string()]))
    .max(10_000)
    .optional(),
  data_request: z.object({ id: z.union([z.number(), z.string()]) }).optional(),
});
export type CompliancePayload = z.infer<typeof customerPayload>;
export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
export const isComplianceTopic = (t: string | undefined): t is ComplianceTopic => COMPLIANCE_TOPICS.includes(t as ComplianceTopic);

/** Orders of a connector that belong to the customer named in a compliance payload (by order id, customer id or email). */
async function customerOrders(
  tx: EntityManager,
  connectorId: string,
  p: CompliancePayload,
  orderIds: (string | number)[],
): Promise<string[]> {
  const rows = await sql<IdRow>(
    tx,
    `select id::text as id from sales_order where connector_id = ? and (
      external_id = any(?::text[])
      or (?::text is not null and customer->>'externalId' = ?::text)
      or (?::text is not null and lower(customer->>'email') = lower(?::text)))`,
    [
      connectorId,
      `{${orderIds.map((x) => `"${String(x).replace(/"/g, '')}"`).join(',')}}`,
      p.customer?.id != null ? String(p.customer.id) : null,
      p.customer?.id != null ? String(p.customer.id) : null,
      p.customer?.email ?? null,
      p.customer?.email ?? null,
    ],
  );
  return rows.map((r) => r.id);
}

/**
 * Applies a verified compliance webhook (the delivery row is the request's record). customers/redact and shop/redact
 * redact at once; customers/data_request records which orders the report covers, for an admin to fetch and send to
 * the merchant (GET /v1/privacy/data-requests/:id). Audited as `privacy.<topic>`.
 */
export async function applyComplianceWebhook(
  tx: EntityManager,
  c: { id: string; warehouse_id: string },
  topic: ComplianceTopic,
  deliveryRowId: string,
  body: unknown,
): Promise<{ orders: number }> {
  const parsed = customerPayload.safeParse(body);
  if (!parsed.success)
    throw new ValidationFailed(
      'Not a Shopify compliance payload',
      parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message })),
    );
  const p = parsed.data;
  let orderIds: string[];
  if (topic === 'shop/redact') {
    orderIds = (await sql<IdRow>(tx, 'select id::text as id from sales_order where connector_id = ?', [c.id])).map((r) => r.id);
    await redactOrders(tx, orderIds);
    await sql(tx, `update webhook_delivery set raw_body = '' where connector_id = ? and id <> ?`, [c.id, deliveryRowId]);
    await sql(tx, `update intake_dead_letter set raw_body = '' where connector_id = ?`, [c.id]);
  } else if (topic === 'customers/redact') {
    orderIds = await customerOrders(tx, c.id, p, p.orders_to_redact ?? []);
    await redactOrders(tx, orderIds);
  } else {
    orderIds = await customerOrders(tx, c.id, p, p.orders_requested ?? []);
  }
  // The request's own payload names the customer: keep only what the record needs.
  await sql(tx, `update webhook_delivery set status = 'processed', processed_at = now(), raw_body = ? where id = ?`, [
    topic === 'customers/data_request' ? JSON.stringify({ orderIds, dataRequestId: p.data_request?.id ?? null }) : '',
    deliveryRowId,
  ]);
  await recordAudit(tx, {
    actorType: 'system',
    action: `privacy.${topic.replace('/', '.')}`,
    objectType: 'connector',
    objectId: c.id,
    warehouseId: c.warehouse_id,
    details: { deliveryRowId, orders: orderIds.length, shopDomain: p.shop_domain ?? null },
  });
  return { orders: orderIds.length };
}
export type DataRequestReportRow = Pick<SalesOrderRow, 'external_id' | 'created_at' | 'status'> & {
  id: string;
  customer: unknown;
  ship_to: unknown;
};

/** The report of a customers/data_request: every order and the personal data held for it (audited as a view). */
export async function dataRequestReport(em: EntityManager, actor: Actor, deliveryRowId: string) {
  const d = await sqlOne<Pick<WebhookDeliveryRow, 'id' | 'connector_id' | 'raw_body' | 'received_at'>>(
    em,
    `select id, connector_id, raw_body, received_at from webhook_delivery where id = ? and topic = 'customers/data_request'`,
    [deliveryRowId],
  );
  if (!d) throw new NotFound('Data request', deliveryRowId);
  const ids = (JSON.parse(d.raw_body || '{}') as { orderIds?: string[] }).orderIds ?? [];
  const orders = await sql<DataRequestReportRow>(
    em,
    'select id::text as id, external_id, created_at, customer, ship_to, status from sales_order where id = any(?::uuid[]) order by created_at',
    [`{${ids.join(',')}}`],
  );
  await auditPersonalDataView(em, actor, { orderIds: orders.map((o) => o.id), via: 'privacy.data_request' });
  return {
    id: d.id,
    connectorId: d.connector_id,
    receivedAt: new Date(d.received_at).toISOString(),
    orders: orders.map((o) => ({
      id: o.id,
      externalId: o.external_id,
      status: o.status,
      createdAt: new Date(o.created_at).toISOString(),
      customer: o.customer as Record<string, unknown>,
      shipTo: o.ship_to as Record<string, unknown>,
    })),
  };
}

/**
 * The retention purge: redacts orders finished more than `piiDays` ago and blanks raw storefront payloads (webhook
 * deliveries, intake dead letters) older than `rawDays`. In slices, so one run never holds a long transaction.
 */
export async function purgeExpiredPersonalData(
  em: EntityManager,
  o: { piiDays: number; rawDays: number; slice?: number },
): Promise<{ ordersRedacted: number; payloadsBlanked: number }> {
  const slice = o.slice ?? 1000;
  let ordersRedacted = 0;
  for (;;) {
    const n = await em.fork().transactional(async (tx) => {
      const due = await sql<IdRow>(
        tx,
        `select id::text as id from sales_order
        where status in ('shipped', 'delivered', 'cancelled') and updated_at < now() - make_interval(days => ?)
          and ship_to->'redacted' is null order by updated_at limit ? for update skip locked`,
        [o.piiDays, slice],
      );
      return (
        await redactOrders(
          tx,
          due.map((r) => r.id),
        )
      ).length;
    });
    ordersRedacted += n;
    if (n < slice) break;
  }
  const blanked = await sql(
    em.fork(),
    `with d as (update webhook_delivery set raw_body = '' where raw_body <> '' and status <> 'received'
      and received_at < now() - make_interval(days => ?) returning 1),
    l as (update intake_dead_letter set raw_body = '' where raw_body <> '' and created_at < now() - make_interval(days => ?) returning 1)
    select (select count(*) from d)::int + (select count(*) from l)::int as n`,
    [o.rawDays, o.rawDays],
  );
  return { ordersRedacted, payloadsBlanked: Number((blanked[0] as { n: number }).n) };
}
