import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { scheduledJobs } from '../../workers/schedules.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { createConnector, postShopify } from '../orders/helpers.js';
import type { AuditDetailsRow } from '../harness/rows.js';

import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { WebhookDeliveryRow } from '../../domain/orders/entities/webhook-delivery.entity.js';

type PiiRow = { customer: any; ship_to: any };
/**
 * Privacy (issue 15, hole 9): Shopify's mandatory compliance webhooks (customers/data_request, customers/redact,
 * shop/redact: HMAC-verified JSON POSTs, 401 on a bad HMAC) and the retention purge.
 */
let sys: TestSystem;
let admin: TestUser;
let shop: { id: string };
const secret = 'privacy-secret-0123456789';

const em = () => sys.rt.orm.em.fork();
async function order(externalId: string, email: string, o: { status?: string; ageDays?: number; connectorId?: string | null } = {}) {
  const row = await sqlOne<IdRow>(
    em(),
    `insert into sales_order (warehouse_id, connector_id, external_id, source, status, currency, customer, ship_to, updated_at)
    values (?, ?, ?, 'shopify', ?, 'EUR', ?::jsonb, ?::jsonb, now() - make_interval(days => ?)) returning id`,
    [
      sys.wh1,
      o.connectorId === undefined ? shop.id : o.connectorId,
      externalId,
      o.status ?? 'pending',
      JSON.stringify({ externalId: `cust-${email}`, email, name: 'Jan', phone: '+3161111' }),
      JSON.stringify({ name: 'Jan', address1: 'Dam 1', city: 'Amsterdam', country: 'NL', email }),
      o.ageDays ?? 0,
    ],
  );
  await sql(
    em(),
    `insert into webhook_delivery (connector_id, source, delivery_id, topic, raw_body, status, order_id) values (?, 'shopify', ?, 'orders/create', ?, 'processed', ?)`,
    [o.connectorId === undefined ? shop.id : o.connectorId, `d-${externalId}`, JSON.stringify({ email, id: externalId }), row!.id],
  );
  return row!.id;
}
const pii = (id: string) => sqlOne<PiiRow>(em(), 'select customer, ship_to from sales_order where id = ?', [id]);

beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.user('privacy-admin', ['admin'], []);
  shop = await createConnector(sys, admin.token, {
    kind: 'shopify',
    name: 'privacy shop',
    shopDomain: 'privacy-shop.myshopify.com',
    webhookSecret: secret,
  });
});
afterAll(async () => sys?.close());

describe('Shopify mandatory compliance webhooks', () => {
  it('refuses a compliance webhook with a bad HMAC (401) and changes nothing', async () => {
    const id = await order('9001', 'bad@example.com');
    const raw = JSON.stringify({
      shop_domain: 'privacy-shop.myshopify.com',
      customer: { id: 1, email: 'bad@example.com' },
      orders_to_redact: [9001],
    });
    const r = await postShopify(sys, shop.id, secret, raw, { topic: 'customers/redact', signature: 'AAAA' });
    expect(r.status).toBe(401);
    expect((await pii(id))!.customer.email).toBe('bad@example.com');
  });

  it('customers/redact erases the customer’s data on their orders only (and their raw payloads); a replay is a no-op 200', async () => {
    const mine = await order('1001', 'anna@example.com');
    const byEmail = await order('1002', 'ANNA@example.com');
    const other = await order('1003', 'bob@example.com');
    const raw = JSON.stringify({
      shop_id: 954889,
      shop_domain: 'privacy-shop.myshopify.com',
      customer: { id: 191167, email: 'anna@example.com', phone: '555-625-1199' },
      orders_to_redact: [1001],
    });
    const r = await postShopify(sys, shop.id, secret, raw, { topic: 'customers/redact', webhookId: 'redact-1' });
    expect(r.status, r.text).toBe(200);
    for (const id of [mine, byEmail]) {
      const p = (await pii(id))!;
      expect(p.customer).toMatchObject({ redacted: true });
      expect(JSON.stringify(p)).not.toContain('anna');
      expect(JSON.stringify(p)).not.toContain('Dam 1');
      const d = await sqlOne<Pick<WebhookDeliveryRow, 'raw_body'>>(em(), 'select raw_body from webhook_delivery where order_id = ?', [id]);
      expect(d!.raw_body).toBe('');
    }
    expect((await pii(other))!.customer.email).toBe('bob@example.com');
    const stored = await sqlOne<Pick<WebhookDeliveryRow, 'raw_body' | 'status'>>(
      em(),
      `select raw_body, status from webhook_delivery where delivery_id = 'redact-1'`,
    );
    expect(stored).toEqual({ raw_body: '', status: 'processed' });
    const again = await postShopify(sys, shop.id, secret, raw, { topic: 'customers/redact', webhookId: 'redact-1' });
    expect(again.body).toMatchObject({ ok: true, duplicate: true });
    expect((await sql(em(), `select 1 from audit_log where action = 'privacy.customers.redact' and object_id = ?`, [shop.id])).length).toBe(
      1,
    );
  });

  it('customers/data_request records the customer’s orders; an admin fetches the report (audited as a view)', async () => {
    const a = await order('2001', 'carla@example.com');
    const b = await order('2002', 'carla@example.com');
    await order('2003', 'dirk@example.com');
    const raw = JSON.stringify({
      shop_id: 954889,
      shop_domain: 'privacy-shop.myshopify.com',
      orders_requested: [2001],
      customer: { id: 1, email: 'carla@example.com' },
      data_request: { id: 9999 },
    });
    const r = await postShopify(sys, shop.id, secret, raw, { topic: 'customers/data_request', webhookId: 'dr-1' });
    expect(r.status, r.text).toBe(200);
    const req = await sqlOne<IdRow>(em(), `select id from webhook_delivery where delivery_id = 'dr-1'`);
    const picker = await sys.user('privacy-picker', ['picker'], [sys.wh1]);
    expect((await http('GET', `${sys.url}/v1/privacy/data-requests/${req!.id}`, { token: picker.token })).status).toBe(403);
    const rep = await http('GET', `${sys.url}/v1/privacy/data-requests/${req!.id}`, { token: admin.token });
    expect(rep.status, rep.text).toBe(200);
    expect(rep.body.orders.map((o: any) => o.id).sort()).toEqual([a, b].sort());
    expect(rep.body.orders[0].customer.email).toBe('carla@example.com');
    const audit = await sql<AuditDetailsRow>(em(), `select details from audit_log where action = 'customer_data.viewed' and actor_id = ?`, [
      admin.id,
    ]);
    expect(audit.at(-1)!.details).toMatchObject({ via: 'privacy.data_request', count: 2 });
  });

  it('shop/redact erases every order and raw payload of that shop, and nothing of another connector', async () => {
    const other = await createConnector(sys, admin.token, {
      kind: 'shopify',
      name: 'other shop',
      shopDomain: 'other-shop.myshopify.com',
      webhookSecret: 'other-secret-0123456789',
    });
    const theirs = await order('3001', 'eva@example.com', { connectorId: other.id });
    const ours = await order('3002', 'finn@example.com');
    const raw = JSON.stringify({ shop_id: 954889, shop_domain: 'privacy-shop.myshopify.com' });
    const r = await postShopify(sys, shop.id, secret, raw, { topic: 'shop/redact', webhookId: 'shop-redact-1' });
    expect(r.status, r.text).toBe(200);
    expect((await pii(ours))!.ship_to).toMatchObject({ redacted: true });
    const left = await sqlOne<CountRow>(
      em(),
      `select count(*)::int as n from sales_order where connector_id = ? and ship_to->'redacted' is null`,
      [shop.id],
    );
    expect(left!.n).toBe(0);
    expect((await pii(theirs))!.customer.email).toBe('eva@example.com');
  });
});

describe('retention purge', () => {
  it('redacts finished orders past PII_RETENTION_DAYS and blanks raw payloads past RAW_PAYLOAD_RETENTION_DAYS; open and recent orders keep theirs', async () => {
    const store = await createConnector(sys, admin.token, {
      kind: 'shopify',
      name: 'retention',
      shopDomain: 'ret.myshopify.com',
      webhookSecret: 'ret-secret-0123456789',
    });
    const old = await order('4001', 'old@example.com', { status: 'shipped', ageDays: 120, connectorId: store.id });
    const recent = await order('4002', 'new@example.com', { status: 'shipped', ageDays: 10, connectorId: store.id });
    const open = await order('4003', 'open@example.com', { status: 'pending', ageDays: 400, connectorId: store.id });
    await sql(em(), `update webhook_delivery set received_at = now() - interval '45 days' where order_id = ?`, [recent]);
    const r = await http('POST', `${sys.url}/v1/privacy/purge`, { token: admin.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.ordersRedacted).toBeGreaterThanOrEqual(1);
    expect((await pii(old))!.customer).toMatchObject({ redacted: true });
    expect((await pii(recent))!.customer.email).toBe('new@example.com');
    expect((await pii(open))!.customer.email).toBe('open@example.com');
    const raw = await sqlOne<Pick<WebhookDeliveryRow, 'raw_body'>>(em(), 'select raw_body from webhook_delivery where order_id = ?', [
      recent,
    ]);
    expect(raw!.raw_body).toBe('');
    expect((await sql(em(), `select 1 from audit_log where action = 'privacy.purged'`)).length).toBe(1);
  });

  it('runs on a schedule the reconciler keeps alive, every PRIVACY_PURGE_EVERY_MS', () => {
    const job = scheduledJobs({ PRIVACY_PURGE_EVERY_MS: '600000' }).find((j) => j.id === 'privacy-purge');
    expect(job).toMatchObject({ queue: 'reconciliation', every: 600_000, data: { kind: 'privacy-purge' } });
  });
});
