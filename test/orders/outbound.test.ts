import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStandardWebhook } from '../../domain/orders/hmac.js';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { createConnector, stockSku, waitFor } from './helpers.js';
import { startReceiver } from './receiver.js';

import type { IdRow } from '../../domain/shared/rows.js';
let sys: TestSystem;
let admin: TestUser;
const SECRET = 'api-connector-shared-secret';

beforeAll(async () => {
  // Short backoff and a short retry window so the schedule plays out in seconds (production: 5 s base, 48 h).
  sys = await startTestSystem({
    workers: true,
    env: { OUTBOUND_BACKOFF_BASE_MS: '40', OUTBOUND_BACKOFF_MAX_MS: '200', OUTBOUND_RETRY_WINDOW_S: '3', RECONCILE_EVERY_MS: '500' },
  });
  admin = await sys.user('admin', ['admin'], []);
  await stockSku(sys, sys.wh1, 'TEE-M', 100);
});
afterAll(async () => sys?.close());

/** Simulates the packing/shipping contexts: a shipment row plus its event in the outbox. */
async function shipmentEvent(
  type: string,
  orderId: string,
  shipmentId: string,
  tracking?: { carrierCode: string; trackingNumber: string },
) {
  const em = sys.rt.orm.em.fork();
  await sql(
    em,
    `insert into shipment (id, warehouse_id, order_id, status, carrier_code, tracking_number) values (?, ?, ?, 'labelled', ?, ?) on conflict (id) do nothing`,
    [shipmentId, sys.wh1, orderId, tracking?.carrierCode ?? null, tracking?.trackingNumber ?? null],
  );
  await sql(em, `insert into outbox (warehouse_id, type, payload) values (?, ?, ?::jsonb)`, [
    sys.wh1,
    type,
    // The shipping context's own payload shape (the catalogue's schema, which consumers re-parse).
    JSON.stringify(
      type === 'shipment.labelled'
        ? {
            shipmentId,
            orderId,
            serviceCode: 'standard',
            trackingUrl: null,
            sscc: '008712345000000017',
            labelId: randomUUID(),
            ...tracking,
          }
        : { shipmentId, orderId, ...tracking },
    ),
  ]);
}

async function apiOrder(connectorId: string, externalId: string) {
  const r = await http('POST', `${sys.url}/v1/orders`, {
    token: admin.token,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      warehouseId: sys.wh1,
      connectorId,
      externalId,
      currency: 'USD',
      shipTo: { name: 'A', address1: 'B', city: 'C', country: 'US' },
      lines: [{ sku: 'TEE-M', qty: 1 }],
    },
  });
  expect(r.status).toBe(201);
  await waitFor(
    async () => (await http('GET', `${sys.url}/v1/orders/${r.body.id}`, { token: admin.token })).body.status === 'allocated',
    'allocated',
  );
  return r.body.id as string;
}

describe('fulfilment callbacks', () => {
  it('retries a failing receiver with backoff: the 4th attempt lands and its Standard Webhooks signature verifies', async () => {
    const rx = await startReceiver([500, 503, 500, 200]);
    try {
      const c = await createConnector(sys, admin.token, { kind: 'api', name: 'custom shop', webhookSecret: SECRET, callbackUrl: rx.url });
      const orderId = await apiOrder(c.id, 'F-1');
      await shipmentEvent('shipment.labelled', orderId, randomUUID(), { carrierCode: 'DHL', trackingNumber: 'JD0123' });
      await waitFor(async () => rx.received.length >= 4, '4 attempts');
      expect(rx.received.map((r) => r.answered)).toEqual([500, 503, 500, 200]);
      const ids = new Set(rx.received.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      const last = rx.received[3]!;
      expect(
        verifyStandardWebhook(
          SECRET,
          {
            id: String(last.headers['webhook-id']),
            timestamp: String(last.headers['webhook-timestamp']),
            signature: String(last.headers['webhook-signature']),
          },
          last.body,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(true);
      expect(
        verifyStandardWebhook(
          'wrong',
          {
            id: String(last.headers['webhook-id']),
            timestamp: String(last.headers['webhook-timestamp']),
            signature: String(last.headers['webhook-signature']),
          },
          last.body,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(false);
      expect(JSON.parse(last.body)).toMatchObject({
        type: 'shipment.labelled',
        data: { externalId: 'F-1', orderId, carrierCode: 'DHL', trackingNumber: 'JD0123' },
      });
      const list = await waitFor(async () => {
        const l = await http('GET', `${sys.url}/v1/outbound-deliveries?orderId=${orderId}`, { token: admin.token });
        return l.body.items[0]?.status === 'delivered' && l;
      }, 'delivered');
      expect(list.body.items[0]).toMatchObject({ attempts: 4, lastStatus: 200 });
      const o = (await http('GET', `${sys.url}/v1/orders/${orderId}`, { token: admin.token })).body;
      expect(o.status).toBe('shipped');
      expect(o.shipments[0]).toMatchObject({ carrierCode: 'DHL', trackingNumber: 'JD0123' });
      // Once the storefront has been told it shipped, cancellation is refused.
      expect((await http('POST', `${sys.url}/v1/orders/${orderId}/cancel`, { token: admin.token, body: { reason: 'late' } })).status).toBe(
        409,
      );
    } finally {
      await rx.close();
    }
  });

  it('calls WooCommerce with status completed and a tracking note', async () => {
    const rx = await startReceiver([200]);
    try {
      const c = await createConnector(sys, admin.token, {
        kind: 'woocommerce',
        name: 'woo cb',
        siteUrl: rx.url,
        webhookSecret: SECRET,
        apiToken: 'ck_1:cs_2',
        pollEnabled: false,
      });
      const em = sys.rt.orm.em.fork();
      // An imported Woo order (external id 4242), allocated.
      const [o] = await sql<IdRow>(
        em,
        `insert into sales_order (warehouse_id, connector_id, external_id, source, status, currency) values (?, ?, '4242', 'woocommerce', 'allocated', 'USD') returning id`,
        [sys.wh1, c.id],
      );
      await shipmentEvent('shipment.labelled', o!.id, randomUUID(), { carrierCode: 'UPS', trackingNumber: '1Z999' });
      await waitFor(async () => rx.received.length >= 2, 'two calls');
      const byUrl = Object.fromEntries(rx.received.map((r) => [`${r.method} ${r.url}`, r]));
      expect(JSON.parse(byUrl['PUT /wp-json/wc/v3/orders/4242']!.body)).toEqual({ status: 'completed' });
      expect(JSON.parse(byUrl['POST /wp-json/wc/v3/orders/4242/notes']!.body).note).toMatch(/UPS tracking 1Z999/);
      expect(byUrl['PUT /wp-json/wc/v3/orders/4242']!.headers.authorization).toBe(`Basic ${Buffer.from('ck_1:cs_2').toString('base64')}`);
    } finally {
      await rx.close();
    }
  });

  it('dead-letters a delivery that keeps failing past the retry window, visible and replayable', async () => {
    const rx = await startReceiver(() => 500);
    try {
      const c = await createConnector(sys, admin.token, { kind: 'api', name: 'broken shop', webhookSecret: SECRET, callbackUrl: rx.url });
      const orderId = await apiOrder(c.id, 'F-2');
      await shipmentEvent('shipment.labelled', orderId, randomUUID(), { carrierCode: 'DHL', trackingNumber: 'X' });
      const dead = await waitFor(
        async () => {
          const l = await http('GET', `${sys.url}/v1/outbound-deliveries?status=dead&orderId=${orderId}`, { token: admin.token });
          return l.body.items[0];
        },
        'dead letter',
        15_000,
      );
      expect(dead.attempts).toBeGreaterThanOrEqual(3);
      expect(dead.lastError).toMatch(/HTTP 500/);
      const o = (await http('GET', `${sys.url}/v1/orders/${orderId}`, { token: admin.token })).body;
      expect(o.timeline.some((e: { action: string }) => e.action === 'callback_dead')).toBe(true);
      const retry = await http('POST', `${sys.url}/v1/outbound-deliveries/${dead.id}/retry`, { token: admin.token });
      expect(retry.body.status).toBe('pending');
    } finally {
      await rx.close();
    }
  });
});

describe('webhook subscriptions', () => {
  it('delivers subscribed domain events signed with the subscription secret', async () => {
    const rx = await startReceiver([200]);
    try {
      const s = await http('POST', `${sys.url}/v1/webhook-subscriptions`, {
        token: admin.token,
        body: { url: `${rx.url}/hooks`, eventTypes: ['order.created'], warehouseId: sys.wh1 },
      });
      expect(s.status).toBe(201);
      expect(s.body.secret).toMatch(/^whsec_/);
      expect((await http('GET', `${sys.url}/v1/webhook-subscriptions`, { token: admin.token })).text).not.toContain(s.body.secret);
      await new Promise((r) => setTimeout(r, 1100)); // the fan-out caches subscriptions for 1 s
      const c = await createConnector(sys, admin.token, { kind: 'api', name: 'sub shop', webhookSecret: SECRET });
      const orderId = await apiOrder(c.id, 'S-1');
      const got = await waitFor(async () => rx.received.find((r) => JSON.parse(r.body).data.orderId === orderId), 'subscription delivery');
      expect(JSON.parse(got.body)).toMatchObject({ type: 'order.created', data: { orderId, externalId: 'S-1' } });
      expect(
        verifyStandardWebhook(
          s.body.secret,
          {
            id: String(got.headers['webhook-id']),
            timestamp: String(got.headers['webhook-timestamp']),
            signature: String(got.headers['webhook-signature']),
          },
          got.body,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(true);
      expect(rx.received.every((r) => JSON.parse(r.body).type === 'order.created')).toBe(true);
    } finally {
      await rx.close();
    }
  });

  it('refuses URLs in private ranges (SSRF) unless allow-listed', async () => {
    for (const url of ['http://10.0.0.5/hook', 'http://169.254.169.254/latest/meta-data', 'http://[fd00::1]/x', 'ftp://example.com/x']) {
      const r = await http('POST', `${sys.url}/v1/webhook-subscriptions`, { token: admin.token, body: { url, eventTypes: ['order.*'] } });
      expect(r.status, url).toBe(422);
    }
    // Loopback is allow-listed outside production (the default of OUTBOUND_ALLOW_PRIVATE), which these tests rely on.
    expect(
      (
        await http('POST', `${sys.url}/v1/webhook-subscriptions`, {
          token: admin.token,
          body: { url: 'http://127.0.0.1:9/x', eventTypes: ['order.*'] },
        })
      ).status,
    ).toBe(201);
  });
});
