import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { ackView } from '../../api/routes/webhooks.routes.js';
import { count, createConnector, drained, fixtureRaw, postShopify, postWoo, shopifyFixtures, stockSku, waitFor } from './helpers.js';

let sys: TestSystem;
let admin: TestUser;
let sup: TestUser;
let shop: { id: string };
let woo: { id: string };
const SHOP_SECRET = 'shpss_test_secret_0123456789';
const WOO_SECRET = 'woo secret with spaces & ünïcode';

beforeAll(async () => {
  sys = await startTestSystem({ env: { RECONCILE_EVERY_MS: '500', INTAKE_STALE_MS: '1000' } });
  admin = await sys.user('admin', ['admin'], []);
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  shop = await createConnector(sys, admin.token, {
    kind: 'shopify',
    name: 'HK shop',
    shopDomain: 'test-shop.myshopify.com',
    webhookSecret: SHOP_SECRET,
    pollEnabled: false,
  });
  woo = await createConnector(sys, admin.token, {
    kind: 'woocommerce',
    name: 'Woo shop',
    siteUrl: 'https://shop.example',
    webhookSecret: WOO_SECRET,
    pollEnabled: false,
  });
});
afterAll(async () => sys?.close());

const orderOf = async (connectorId: string, externalId: string) => {
  const list = await http('GET', `${sys.url}/v1/orders?connectorId=${connectorId}&externalId=${externalId}`, { token: sup.token });
  expect(list.status).toBe(200);
  expect(list.body.items.length).toBeLessThanOrEqual(1);
  if (!list.body.items[0]) return undefined;
  return (await http('GET', `${sys.url}/v1/orders/${list.body.items[0].id}`, { token: sup.token })).body;
};

describe('connectors', () => {
  it('stores secrets encrypted and never returns them', async () => {
    const r = await http('GET', `${sys.url}/v1/connectors/${shop.id}`, { token: admin.token });
    expect(r.status).toBe(200);
    expect(r.text).not.toContain(SHOP_SECRET);
    expect(r.body).toMatchObject({
      kind: 'shopify',
      hasApiToken: false,
      webhookUrls: { shopify: expect.stringContaining(`/v1/webhooks/shopify/${shop.id}`) },
    });
    const [row] = await sys.rt.orm.em.fork().execute('select webhook_secret_enc from connector where id = ?', [shop.id]);
    expect(row.webhook_secret_enc).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(row.webhook_secret_enc).not.toContain(SHOP_SECRET);
  });
  it('is admin-only to create', async () => {
    const r = await http('POST', `${sys.url}/v1/connectors`, {
      token: sup.token,
      body: { kind: 'api', name: 'x', warehouseId: sys.wh1, webhookSecret: 'abcdefgh' },
    });
    expect(r.status).toBe(403);
  });
});

describe('webhook intake (workers running)', () => {
  let workers: Awaited<ReturnType<TestSystem['startWorkers']>>;
  beforeAll(async () => {
    workers = await sys.startWorkers();
  });
  afterAll(async () => workers.stop());

  it('imports each Shopify fixture exactly once with correct lines, address and totals', async () => {
    for (const f of shopifyFixtures()) {
      const raw = fixtureRaw(f);
      const src = JSON.parse(raw);
      const topic = f.includes('cancelled') ? 'orders/cancelled' : 'orders/create';
      const r = await postShopify(sys, shop.id, SHOP_SECRET, raw, { topic, webhookId: `wh-${src.id}` });
      expect(r.status, f).toBe(200);
      expect(r.body).toMatchObject({ ok: true, duplicate: false });
      // The acks go out through JSON.stringify alone: each must still be exactly what its schema says.
      expect(r.body).toEqual(ackView.parse(r.body));
    }
    await drained(sys, shop.id);
    for (const f of shopifyFixtures()) {
      const src = JSON.parse(fixtureRaw(f));
      const o = await orderOf(shop.id, String(src.id));
      expect(o, f).toBeDefined();
      expect(o.currency).toBe(src.currency);
      expect(o.totalMinor).toBe(Math.round(Number(src.total_price) * 100));
      expect(o.subtotalMinor + o.shippingMinor + o.taxMinor).toBe(o.totalMinor);
      expect(o.lines.map((l: { qty: number }) => l.qty)).toEqual(src.line_items.map((l: { quantity: number }) => l.quantity));
      expect(o.lines.map((l: { name: string }) => l.name)).toEqual(src.line_items.map((l: { name: string }) => l.name));
      const addr = src.shipping_address ?? src.billing_address;
      if (addr) expect(o.shipTo.countryCode).toBe(addr.country_code);
      expect(o.status).toBe(src.cancelled_at ? 'cancelled' : 'on_hold');
    }
    const hk = await orderOf(shop.id, '6198432301356');
    expect(hk).toMatchObject({
      externalNumber: '#1054',
      totalMinor: 39400,
      discountMinor: 2500,
      shippingMinor: 2000,
      shipTo: { name: 'Alan', countryCode: 'HK', phone: '+85200000000' },
    });
    expect(hk.lines[0].name).toBe('aaa0103測試商品11aa');
    // The unknown-SKU hold explains itself.
    expect(hk.holdReason).toMatch(/Unknown SKU: 4 of 4 line\(s\).*line 1 "aaa0103測試商品11aa" \(sku empty, product ref 50398373085484\)/);
    expect(await count(sys, 'select count(*) as n from sales_order where connector_id = ?', [shop.id])).toBe(shopifyFixtures().length);
  });

  it('imports the WooCommerce fixture and answers the creation ping', async () => {
    const ping = await http('POST', `${sys.url}/v1/webhooks/woocommerce/${woo.id}`, {
      raw: 'webhook_id=12',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({ ok: true, ping: true });
    expect(ping.body).toEqual(ackView.parse(ping.body));
    const raw = fixtureRaw('woocommerce/order.created.wc-5.6-processing-stripe.json');
    expect((await postWoo(sys, woo.id, WOO_SECRET, raw, { deliveryId: 'a'.repeat(32) })).status).toBe(200);
    await drained(sys, woo.id);
    const o = await orderOf(woo.id, '897');
    expect(o).toMatchObject({
      externalNumber: '897',
      currency: 'USD',
      totalMinor: 2844,
      shippingMinor: 1345,
      subtotalMinor: 1499,
      status: 'on_hold',
      shipTo: { name: 'Uyi Moses', address1: '8623 Hemlock Hill Drive, Houston', city: 'Lagos', postcode: '23401', countryCode: 'US' },
      customer: { email: 'uyi@penciledge.net' },
    });
    expect(o.lines).toHaveLength(1);
    expect(o.lines[0]).toMatchObject({ qty: 1, unitPriceMinor: 1499, externalRef: '753' });
  });

  it('treats a re-delivery (same delivery id) as a no-op, also 50 times concurrently', async () => {
    const raw = fixtureRaw('shopify/orders-create.hkd-4-items-hk-shipping.json');
    const before = await orderOf(shop.id, '6198432301356');
    const again = await postShopify(sys, shop.id, SHOP_SECRET, raw, { webhookId: 'wh-6198432301356' });
    expect(again.body).toMatchObject({ ok: true, duplicate: true });
    expect(again.body).toEqual(ackView.parse(again.body));
    const burst = await Promise.all(
      Array.from({ length: 50 }, () => postShopify(sys, shop.id, SHOP_SECRET, raw, { webhookId: 'wh-6198432301356' })),
    );
    expect(burst.every((r) => r.status === 200 && r.body.duplicate === true)).toBe(true);
    await drained(sys, shop.id);
    const after = await orderOf(shop.id, '6198432301356');
    expect(after.version).toBe(before.version);
    expect(after.timeline.length).toBe(before.timeline.length);
    expect(
      await count(sys, 'select count(*) as n from webhook_delivery where connector_id = ? and delivery_id = ?', [
        shop.id,
        'wh-6198432301356',
      ]),
    ).toBe(1);
  });

  it('creates one order from 50 concurrent first deliveries of a new order (distinct delivery ids)', async () => {
    const src = JSON.parse(fixtureRaw('shopify/orders-create.hkd-line-item-discounts.json'));
    const raw = JSON.stringify({ ...src, id: 777000111, name: '#7770' });
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) => postShopify(sys, shop.id, SHOP_SECRET, raw, { webhookId: `burst-${i}` })),
    );
    expect(burst.every((r) => r.status === 200)).toBe(true);
    await drained(sys, shop.id);
    expect(await count(sys, `select count(*) as n from sales_order where connector_id = ? and external_id = '777000111'`, [shop.id])).toBe(
      1,
    );
    const o = await orderOf(shop.id, '777000111');
    expect(o.lines).toHaveLength(3);
    expect(o.timeline.filter((e: { action: string }) => e.action === 'created')).toHaveLength(1);
  });

  it('never lets an older update overwrite newer data', async () => {
    const src = JSON.parse(fixtureRaw('shopify/orders-create.hkd-4-items-discount-code.json'));
    const id = 880000222;
    const v2 = { ...src, id, note: 'second', updated_at: '2025-01-23T03:00:00-05:00' };
    const v1 = { ...src, id, note: 'first', updated_at: '2025-01-23T02:00:00-05:00' };
    await postShopify(sys, shop.id, SHOP_SECRET, JSON.stringify(v2), { topic: 'orders/updated' });
    await drained(sys, shop.id);
    await postShopify(sys, shop.id, SHOP_SECRET, JSON.stringify(v1), { topic: 'orders/updated' });
    await drained(sys, shop.id);
    const o = await orderOf(shop.id, String(id));
    expect(o.notes).toBe('second');
    expect(o.externalUpdatedAt).toBe('2025-01-23T08:00:00.000Z');
    expect(o.timeline.some((e: { action: string }) => e.action === 'stale_ignored')).toBe(true);
  });

  it('rejects a wrong signature, a missing header and a body altered by one byte with 401, storing only an audit entry', async () => {
    const raw = fixtureRaw('shopify/orders-create.hkd-4-items-discount-code.json').replace('"id": 6198424240428', '"id": 990000333');
    const altered = Buffer.from(raw);
    altered[100] = altered[100]! ^ 1;
    const before = await count(sys, `select count(*) as n from audit_log where action = 'webhook.rejected'`);
    const cases = [
      await postShopify(sys, shop.id, SHOP_SECRET, raw, { signature: Buffer.alloc(32, 7).toString('base64') }),
      await postShopify(sys, shop.id, SHOP_SECRET, raw, { signature: null }),
      await postShopify(sys, shop.id, SHOP_SECRET, altered.toString('latin1'), {
        signature: (await import('./helpers.js')).sign(SHOP_SECRET, raw),
      }),
      await postShopify(sys, shop.id, 'the wrong secret', raw),
    ];
    for (const r of cases) {
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await count(sys, `select count(*) as n from audit_log where action = 'webhook.rejected'`)).toBe(before + 4);
    expect(await count(sys, `select count(*) as n from sales_order where external_id = '990000333'`)).toBe(0);
    expect(await count(sys, `select count(*) as n from webhook_delivery where raw_body like '%990000333%'`)).toBe(0);
    expect(await count(sys, `select count(*) as n from intake_dead_letter where raw_body like '%990000333%'`)).toBe(0);
  });

  it('answers valid JSON that is not an order with 422 and keeps it as a replayable dead letter', async () => {
    const raw = JSON.stringify({ id: 5, title: 'Snowboard', product_type: 'board', currency: 'USD' });
    const r = await postShopify(sys, shop.id, SHOP_SECRET, raw, { webhookId: 'not-an-order-1' });
    expect(r.status).toBe(422);
    expect(r.body.detail).toMatch(/not a Shopify order: line_items/);
    const list = await http('GET', `${sys.url}/v1/intake/dead-letters?connectorId=${shop.id}`, { token: sup.token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ deliveryId: 'not-an-order-1', rawBody: raw, reason: expect.stringContaining('line_items') });
    const replay = await http('POST', `${sys.url}/v1/intake/dead-letters/${list.body.items[0].id}/replay`, { token: admin.token });
    expect(replay.status).toBe(200);
    expect(replay.body.result).toMatch(/still not an order/);
    expect(await count(sys, 'select count(*) as n from webhook_delivery where delivery_id = ?', ['not-an-order-1'])).toBe(0);
  });

  it('acknowledges unknown and ignored topics with 200 without storing them', async () => {
    const raw = fixtureRaw('shopify/orders-create.hkd-4-items-hk-shipping.json');
    const r1 = await postShopify(sys, shop.id, SHOP_SECRET, raw, { topic: 'products/update' });
    const r2 = await postShopify(sys, shop.id, SHOP_SECRET, raw, { topic: 'orders/fulfilled' });
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r1.body.ignored).toBe('products/update');
    expect(r1.body).toEqual(ackView.parse(r1.body));
    expect(r2.body).toEqual(ackView.parse(r2.body));
  });

  it('releases an unknown-SKU hold when the mapping is fixed, then allocates', async () => {
    const { skuId } = await stockSku(sys, sys.wh1, 'BOOK-RHAPSODY-5', 10);
    const r = await http('PUT', `${sys.url}/v1/connectors/${woo.id}/sku-mappings`, {
      token: sup.token,
      body: { mappings: [{ externalRef: '753', skuCode: 'BOOK-RHAPSODY-5' }] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ mapped: 1, ordersReleased: 1 });
    const o = await waitFor(async () => {
      const x = await orderOf(woo.id, '897');
      return x.status === 'allocated' && x;
    }, 'allocation');
    expect(o.lines[0]).toMatchObject({ skuId, skuCode: 'BOOK-RHAPSODY-5', allocatedQty: 1, backorderedQty: 0 });
    expect(o.lines[0].reservations).toHaveLength(1);
    const log = await http('GET', `${sys.url}/v1/orders/${o.id}/allocation-log`, { token: sup.token });
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['held', 'released', 'allocated']));
  });
});

describe('crash between acknowledge and processing', () => {
  it('enqueues one import job per stored batch, not one per delivery, and imports every delivery exactly once', async () => {
    const src = JSON.parse(fixtureRaw('shopify/orders-create.shopify-sample-notification.json'));
    const ids = Array.from({ length: 40 }, (_, i) => 123_457_000 + i);
    const queue = sys.rt.queues.get('webhook-intake');
    const jobs = async () => Object.values(await queue.getJobCounts('waiting', 'prioritized', 'delayed')).reduce((a, b) => a + b, 0);
    const before = await jobs();
    // Concurrent deliveries share the edge's group-commit inserts; no worker runs yet.
    const answers = await Promise.all(
      ids.map((id) =>
        postShopify(sys, shop.id, SHOP_SECRET, JSON.stringify({ ...src, id, cancelled_at: null }), { webhookId: `batch-${id}` }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(ids.map(() => 200));
    await waitFor(async () => (await jobs()) > before, 'jobs enqueued');
    await new Promise((r) => setTimeout(r, 300));
    const enqueued = (await jobs()) - before;
    expect(enqueued).toBeGreaterThan(0);
    expect(enqueued).toBeLessThan(ids.length);
    const w = await sys.startWorkers();
    try {
      await drained(sys, shop.id);
      expect(
        await count(sys, `select count(*) as n from sales_order where connector_id = ? and external_id = any(?::text[])`, [
          shop.id,
          `{${ids.join(',')}}`,
        ]),
      ).toBe(ids.length);
      expect(
        await count(
          sys,
          `select count(*) as n from webhook_delivery where connector_id = ? and delivery_id like 'batch-%' and status = 'processed'`,
          [shop.id],
        ),
      ).toBe(ids.length);
    } finally {
      await w.stop();
    }
  });

  it('imports a delivery acknowledged while no worker ran, exactly once, even when its job was lost', async () => {
    const src = JSON.parse(fixtureRaw('shopify/orders-create.shopify-sample-notification.json'));
    const raw = JSON.stringify({ ...src, id: 123456789, cancelled_at: null });
    const raw2 = JSON.stringify({ ...src, id: 123456790, cancelled_at: null });
    expect((await postShopify(sys, shop.id, SHOP_SECRET, raw, { webhookId: 'crash-1' })).status).toBe(200);
    expect((await postShopify(sys, shop.id, SHOP_SECRET, raw2, { webhookId: 'crash-2' })).status).toBe(200);
    expect(await count(sys, `select count(*) as n from sales_order where external_id in ('123456789', '123456790')`)).toBe(0);
    // Lose the import jobs entirely (as a Redis restart without persistence would): only the intake-batch loops and
    // the sweep can bring the deliveries back. The edge names the first delivery of its batch in the job.
    const queue = sys.rt.queues.get('webhook-intake');
    const [row] = await sys.rt.orm.em.fork().execute(`select id from webhook_delivery where delivery_id = 'crash-1'`);
    await waitFor(() => queue.getJob(`wh-${row.id}`), 'job enqueued');
    await new Promise((r) => setTimeout(r, 200));
    await queue.drain(true);
    expect(await queue.getJobCounts('waiting', 'prioritized', 'delayed')).toEqual({ waiting: 0, prioritized: 0, delayed: 0 });
    const w = await sys.startWorkers();
    try {
      await drained(sys, shop.id);
      expect(await count(sys, `select count(*) as n from sales_order where external_id = '123456789'`)).toBe(1);
      expect(await count(sys, `select count(*) as n from sales_order where external_id = '123456790'`)).toBe(1);
    } finally {
      await w.stop();
    }
  });
});
