import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { seedShipping } from '../../scripts/seed/shipping.seed.js';
import { loadBoxes } from '../floor/fixture.js';
import { call, pickWholeTask } from '../floor/support.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { createConnector, fixtureRaw, postShopify, stockSku, waitFor } from '../orders/helpers.js';

import type { BoxTypeRow } from '../../domain/packing/entities/box-type.entity.js';
interface FoLine {
  id: number;
  line_item_id: number;
  quantity: number;
  fulfillable_quantity: number;
}

/**
 * A local stand-in for a Shopify shop that keeps fulfillment-order state the way the Admin API does: one fulfillment
 * order per order with a line item per order line; a fulfillment may list some of its line items with quantities up
 * to what is still fulfillable (else 422), each fulfillment has one tracking_info, and the fulfillment order closes
 * once nothing is left.
 */
async function fakeShopify() {
  const calls: { method: string; url: string; headers: Record<string, unknown>; body: any }[] = [];
  const orders = new Map<string, { id: number; status: string; supported_actions: string[]; line_items: FoLine[] }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : null;
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const json = (status: number, b: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(b));
      const fo = /^\/admin\/api\/[\d-]+\/orders\/(\d+)\/fulfillment_orders\.json$/.exec(req.url ?? '');
      if (req.method === 'GET' && fo) {
        const o = orders.get(fo[1]!);
        return json(200, { fulfillment_orders: o ? [{ ...o, order_id: Number(fo[1]) }] : [] });
      }
      if (req.method === 'POST' && /^\/admin\/api\/[\d-]+\/fulfillments\.json$/.test(req.url ?? '')) {
        const groups = body.fulfillment.line_items_by_fulfillment_order as {
          fulfillment_order_id: number;
          fulfillment_order_line_items?: { id: number; quantity: number }[];
        }[];
        const found = groups.map((g) => [...orders.values()].find((o) => o.id === g.fulfillment_order_id));
        if (found.some((o) => !o || o.status === 'closed')) return json(422, { errors: ['fulfillment order is not open'] });
        for (const [i, g] of groups.entries()) {
          const o = found[i]!;
          const items = g.fulfillment_order_line_items ?? o.line_items.map((l) => ({ id: l.id, quantity: l.fulfillable_quantity }));
          for (const it of items) {
            const l = o.line_items.find((x) => x.id === it.id);
            if (!l || it.quantity > l.fulfillable_quantity)
              return json(422, { errors: ['Invalid fulfillment order line item quantity requested.'] });
          }
          for (const it of items) o.line_items.find((x) => x.id === it.id)!.fulfillable_quantity -= it.quantity;
          o.status = o.line_items.every((l) => l.fulfillable_quantity === 0) ? 'closed' : 'in_progress';
          if (o.status === 'closed') o.supported_actions = [];
        }
        return json(201, { fulfillment: { id: calls.length, status: 'success', tracking_number: body.fulfillment.tracking_info?.number } });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    orders,
    /** Opens the fulfillment order of an order as Shopify would on order creation. */
    open(orderId: number, lines: { id: number; quantity: number }[]) {
      orders.set(String(orderId), {
        id: 9001,
        status: 'open',
        supported_actions: ['create_fulfillment', 'hold'],
        line_items: lines.map((l, i) => ({ id: 7001 + i, line_item_id: l.id, quantity: l.quantity, fulfillable_quantity: l.quantity })),
      });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let sys: TestSystem;
let admin: TestUser;
let sup: TestUser;
let picker: TestUser;
let packer: TestUser;
let shop: Awaited<ReturnType<typeof fakeShopify>>;
const SECRET = 'shopify-webhook-secret-for-shipping';

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  admin = await sys.user('admin', ['admin'], []);
  sup = await sys.user('sup', ['supervisor'], [sys.wh1]);
  picker = await sys.user('picker', ['picker'], [sys.wh1]);
  packer = await sys.user('packer', ['packer'], [sys.wh1]);
  shop = await fakeShopify();
  await seedShipping(sys.rt.orm.em.fork(), sys.wh1);
  await withTx(sys.rt.orm.em, (tx) => loadBoxes(tx));
  await stockSku(sys, sys.wh1, 'IPOD2008PINK', 20);
  await sql(
    sys.rt.orm.em.fork(),
    `update sku set length_mm = 120, width_mm = 70, height_mm = 20, weight_g = 160 where code = 'IPOD2008PINK'`,
  );
}, 120_000);
afterAll(async () => {
  await shop?.close();
  await sys?.close();
});

describe('the storefront is told', () => {
  it(
    'Shopify webhook → order → wave, pick and pack on the floor API into two cartons → two labels → one fulfillment per carton, each with its tracking number',
    { timeout: 180_000 },
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
      // Two lines of the same item, one unit each (ids within the JSON-safe range, as Shopify's are).
      order.line_items = order.line_items.map((l: Record<string, unknown>, i: number) => ({ ...l, id: 13_245_678_901 + i, quantity: 1 }));
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
      shop.open(order.id, [
        { id: 13_245_678_901, quantity: 1 },
        { id: 13_245_678_902, quantity: 1 },
      ]);
      expect((await postShopify(sys, c.id, SECRET, JSON.stringify(order))).status).toBe(200);
      const orderId = await waitFor(async () => {
        const r = await http('GET', `${sys.url}/v1/orders?externalId=5550001`, { token: admin.token });
        const o = r.body.items?.[0];
        return o?.status === 'allocated' ? (o.id as string) : undefined;
      }, 'order allocated');

      // The floor: a wave for the order, its pick task claimed and scanned line by line into a tote.
      const wave = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/waves`, sup.token, {
        orderIds: [orderId],
        pickMode: 'discrete',
        release: true,
      });
      expect(wave.status).toBe(201);
      const claimed = await call('POST', `${sys.url}/v1/tasks/claim`, picker.token, { warehouseId: sys.wh1, types: ['pick'] });
      expect(claimed.status).toBe(200);
      const picked = await pickWholeTask(
        sys.url,
        picker.token,
        claimed.body,
        () => 'IPOD2008PINK',
        () => 'SHOP-TOTE-1',
      );
      expect(picked.status).toBe('done');

      // The pack station: the tote opens the session, both units are verified by scan, two cartons are weighed and closed.
      const session = await call('POST', `${sys.url}/v1/warehouses/${sys.wh1}/pack-sessions`, packer.token, {
        stationCode: 'PS-1',
        toteScan: 'SHOP-TOTE-1',
      });
      expect(session.status).toBe(200);
      const verified = await call('POST', `${sys.url}/v1/pack-sessions/${session.body.id}/verify`, packer.token, {
        itemScan: 'IPOD2008PINK',
        qty: 2,
      });
      expect(verified.body.status).toBe('verified');
      const skuId = verified.body.items[0].skuId as string;
      const box = (await sqlOne<Pick<BoxTypeRow, 'code' | 'tare_g'>>(
        sys.rt.orm.em.fork(),
        `select code, tare_g from box_type where code = 'BOX-6x4x4'`,
      ))!;
      const packed = await call('POST', `${sys.url}/v1/pack-sessions/${session.body.id}/pack`, packer.token, {
        cartons: [
          { boxCode: box.code, items: [{ skuId, qty: 1 }] },
          { boxCode: box.code, items: [{ skuId, qty: 1 }] },
        ],
        weightsG: [box.tare_g + 160, box.tare_g + 160],
      });
      expect(packed.status).toBe(200);
      const shipmentIds = packed.body.shipmentIds as string[];
      expect(shipmentIds).toHaveLength(2);

      const labels: { trackingNumber: string }[] = [];
      for (const [i, id] of shipmentIds.entries()) {
        const label = await http('POST', `${sys.url}/v1/shipments/${id}/label`, {
          token: packer.token,
          headers: { 'idempotency-key': `e2e-${i}` },
        });
        expect(label.status).toBe(201);
        labels.push(label.body);
      }
      expect(new Set(labels.map((l) => l.trackingNumber)).size).toBe(2);

      const posts = await waitFor(async () => {
        const p = shop.calls.filter((x) => x.method === 'POST');
        return p.length >= 2 ? p : undefined;
      }, 'two fulfillment POSTs');
      expect(posts).toHaveLength(2);
      for (const post of posts) {
        expect(post.url).toBe('/admin/api/2024-10/fulfillments.json');
        expect(post.headers['x-shopify-access-token']).toBe('shpat_test_token');
        expect(post.headers['webhook-signature']).toMatch(/^v1,/);
      }
      expect(shop.calls.filter((x) => x.method === 'GET').map((x) => x.url)).toContain(
        '/admin/api/2024-10/orders/5550001/fulfillment_orders.json',
      );
      // One fulfillment per carton: its own tracking number and URL, and only its own line item.
      const byNumber = new Map(posts.map((p) => [p.body.fulfillment.tracking_info.number as string, p.body.fulfillment]));
      expect([...byNumber.keys()].sort()).toEqual(labels.map((l) => l.trackingNumber).sort());
      for (const l of labels)
        expect(byNumber.get(l.trackingNumber)).toEqual({
          line_items_by_fulfillment_order: [
            { fulfillment_order_id: 9001, fulfillment_order_line_items: [{ id: expect.any(Number), quantity: 1 }] },
          ],
          tracking_info: { company: 'PolderPost', number: l.trackingNumber, url: `https://track.polderpost.example/${l.trackingNumber}` },
          notify_customer: true,
        });
      const fulfilledItems = posts
        .map((p) => p.body.fulfillment.line_items_by_fulfillment_order[0].fulfillment_order_line_items[0].id)
        .sort();
      expect(fulfilledItems).toEqual([7001, 7002]);
      expect(shop.orders.get('5550001')!.status).toBe('closed');
      // Carton 1 holds the first order line, carton 2 the second.
      const carton1 = labels[0]!.trackingNumber as string;
      expect(byNumber.get(carton1)!.line_items_by_fulfillment_order[0].fulfillment_order_line_items[0].id).toBe(7001);
      await waitFor(
        async () => (await http('GET', `${sys.url}/v1/orders/${orderId}`, { token: admin.token })).body.status === 'shipped',
        'order shipped',
      );
    },
  );
});
