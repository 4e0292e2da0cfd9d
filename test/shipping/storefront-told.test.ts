import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { createConnector, fixtureRaw, postShopify, stockSku, waitFor } from '../orders/helpers.js';
import { packedShipment } from './packed.js';

/** A local stand-in for a Shopify shop: open fulfillment orders per order, and the fulfillments endpoint. */
async function fakeShopify() {
  const calls: { method: string; url: string; headers: Record<string, unknown>; body: any }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : null });
      const fo = /^\/admin\/api\/[\d-]+\/orders\/(\d+)\/fulfillment_orders\.json$/.exec(req.url ?? '');
      if (req.method === 'GET' && fo) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            fulfillment_orders: [
              { id: 9001, order_id: Number(fo[1]), status: 'open', supported_actions: ['create_fulfillment', 'hold'] },
              { id: 9002, order_id: Number(fo[1]), status: 'closed', supported_actions: [] },
            ],
          }),
        );
        return;
      }
      if (req.method === 'POST' && /^\/admin\/api\/[\d-]+\/fulfillments\.json$/.test(req.url ?? '')) {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ fulfillment: { id: 1, status: 'success' } }));
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let sys: TestSystem;
let admin: TestUser;
let packer: TestUser;
let shop: Awaited<ReturnType<typeof fakeShopify>>;
const SECRET = 'shopify-webhook-secret-for-shipping';

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  admin = await sys.user('admin', ['admin'], []);
  packer = await sys.user('packer', ['packer'], [sys.wh1]);
  shop = await fakeShopify();
  await seedShipping(sys.rt.orm.em.fork(), sys.wh1);
  await stockSku(sys, sys.wh1, 'IPOD2008PINK', 20);
});
afterAll(async () => {
  await shop?.close();
  await sys?.close();
});

describe('the storefront is told', () => {
  it(
    'Shopify webhook → order → packed carton → label → a fulfillment over the open fulfillment orders with the tracking number',
    { timeout: 120_000 },
    async () => {
      const c = await createConnector(sys, admin.token, {
        kind: 'shopify',
        name: 'NL shop',
        shopDomain: 'nl-shop.myshopify.com',
        webhookSecret: SECRET,
        apiToken: 'shpat_test_token',
        callbackUrl: shop.url,
        pollEnabled: false,
      });
      const order = JSON.parse(fixtureRaw('shopify/orders-create.shopify-sample-notification.json'));
      order.id = 5550001;
      order.cancelled_at = null;
      order.shipping_address = {
        ...order.shipping_address,
        company: null,
        address1: 'Coolsingel 40',
        city: 'Rotterdam',
        zip: '3011 AD',
        country: 'Netherlands',
        country_code: 'NL',
        province: null,
        province_code: null,
      };
      const raw = JSON.stringify(order);
      expect((await postShopify(sys, c.id, SECRET, raw)).status).toBe(200);
      const orderId = await waitFor(async () => {
        const r = await http('GET', `${sys.url}/v1/orders?externalId=5550001`, { token: admin.token });
        const o = r.body.items?.[0];
        return o?.status === 'allocated' ? (o.id as string) : undefined;
      }, 'order allocated');

      const { shipmentId } = await withTx(sys.rt.orm.em, (tx) =>
        packedShipment(tx, sys.wh1, {
          orderId,
          shipTo: { name: 'Steve Shipper', address1: 'Coolsingel 40', city: 'Rotterdam', postcode: '3011 AD', countryCode: 'NL' },
        }),
      );
      const label = await http('POST', `${sys.url}/v1/shipments/${shipmentId}/label`, {
        token: packer.token,
        headers: { 'idempotency-key': 'e2e-1' },
      });
      expect(label.status).toBe(201);

      const post = await waitFor(async () => shop.calls.find((x) => x.method === 'POST'), 'fulfillment POST');
      const get = shop.calls.find((x) => x.method === 'GET')!;
      expect(get.url).toBe('/admin/api/2024-10/orders/5550001/fulfillment_orders.json');
      expect(post.url).toBe('/admin/api/2024-10/fulfillments.json');
      expect(post.headers['x-shopify-access-token']).toBe('shpat_test_token');
      expect(post.body).toEqual({
        fulfillment: {
          line_items_by_fulfillment_order: [{ fulfillment_order_id: 9001 }],
          tracking_info: {
            company: 'PolderPost',
            number: label.body.trackingNumber,
            url: `https://track.polderpost.example/${label.body.trackingNumber}`,
          },
          notify_customer: true,
        },
      });
      await waitFor(
        async () => (await http('GET', `${sys.url}/v1/orders/${orderId}`, { token: admin.token })).body.status === 'shipped',
        'order shipped',
      );
    },
  );
});
