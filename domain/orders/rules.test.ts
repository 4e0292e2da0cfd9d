import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { byAllocationPriority, minExpiryDate } from './allocation.js';
import { cancelStage } from './cancellation.js';
import { hmacBase64, standardWebhookSignature, verifyBase64Hmac, verifyStandardWebhook } from './hmac.js';
import { topicAction } from './delivery-body.js';
import { backoffMs } from './orders.settings.js';
import {
  callbacksFor,
  cartonLinesOf,
  matchesEventType,
  SHOPIFY_CARTON_LINES,
  SHOPIFY_FO_LOOKUP,
  shopifyFulfillmentBody,
} from './outbound.service.js';
import { nextPollUrl, pollUrl, modifiedAt } from './reconciliation.js';
import { keyRing, openSecret, sealedKid, sealSecret } from './secret-box.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

describe('secret box (AES-256-GCM with key ids)', () => {
  it('round-trips, binds the AAD, detects tampering and reads old keys after rotation', () => {
    const a = keyRing(KEY_A);
    const sealed = sealSecret(a, 'shpss_secret', 'connector:1:webhook_secret');
    expect(sealed).not.toContain('shpss_secret');
    expect(openSecret(a, sealed, 'connector:1:webhook_secret')).toBe('shpss_secret');
    expect(() => openSecret(a, sealed, 'connector:2:webhook_secret')).toThrow();
    const parts = sealed.split('.');
    parts[4] = Buffer.from('x' + Buffer.from(parts[4]!, 'base64url').toString('latin1').slice(1), 'latin1').toString('base64url');
    expect(() => openSecret(a, parts.join('.'), 'connector:1:webhook_secret')).toThrow();
    const rotated = keyRing(KEY_B, [KEY_A]);
    expect(openSecret(rotated, sealed, 'connector:1:webhook_secret')).toBe('shpss_secret');
    expect(sealedKid(sealSecret(rotated, 'x'))).toBe(rotated.currentKid);
    expect(rotated.currentKid).not.toBe(a.currentKid);
    expect(() => openSecret(keyRing(KEY_B), sealed, 'connector:1:webhook_secret')).toThrow(/no key/);
  });
});

describe('signatures', () => {
  it('verifies base64 HMAC-SHA256 over raw bytes and rejects any change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (bytes, pos) => {
        const raw = Buffer.from(bytes);
        const sig = hmacBase64('s3cret', raw);
        if (!verifyBase64Hmac('s3cret', raw, sig)) return false;
        const altered = Buffer.from(raw);
        altered[pos % altered.length] = altered[pos % altered.length]! ^ 1;
        return !verifyBase64Hmac('s3cret', altered, sig) && !verifyBase64Hmac('other', raw, sig);
      }),
    );
    expect(verifyBase64Hmac('s', Buffer.from('x'), undefined)).toBe(false);
    expect(verifyBase64Hmac('s', Buffer.from('x'), 'not base64 at all')).toBe(false);
  });

  it('signs Standard Webhooks per the spec example and enforces the timestamp tolerance', () => {
    // Test vector from the Standard Webhooks spec / reference libraries.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const ts = 1614265330;
    const body = '{"test": 2432232314}';
    expect(standardWebhookSignature(secret, id, ts, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(
      verifyStandardWebhook(
        secret,
        { id, timestamp: String(ts), signature: `v1,bogus= ${standardWebhookSignature(secret, id, ts, body)}` },
        body,
        ts + 60,
      ),
    ).toBe(true);
    expect(
      verifyStandardWebhook(
        secret,
        { id, timestamp: String(ts), signature: standardWebhookSignature(secret, id, ts, body) },
        body,
        ts + 301,
      ),
    ).toBe(false);
  });
});

describe('allocation priority', () => {
  it('orders express first, then promise date (none last), then age', () => {
    const o = (id: string, priorityRank: number, promiseDate: string | null, createdAt: string) => ({
      id,
      priorityRank,
      promiseDate,
      createdAt,
    });
    const sorted = [
      o('std-old', 1, null, '2026-01-01T00:00:00Z'),
      o('std-promised', 1, '2026-01-05T00:00:00Z', '2026-01-03T00:00:00Z'),
      o('exp-new', 0, null, '2026-01-04T00:00:00Z'),
      o('exp-promised', 0, '2026-01-04T12:00:00Z', '2026-01-04T01:00:00Z'),
    ]
      .sort(byAllocationPriority)
      .map((x) => x.id);
    expect(sorted).toEqual(['exp-promised', 'exp-new', 'std-promised', 'std-old']);
  });
  it('is a total order (antisymmetric, transitive on samples)', () => {
    const arb = fc.record({
      id: fc.uuid(),
      priorityRank: fc.integer({ min: 0, max: 1 }),
      promiseDate: fc.option(
        fc.date({ min: new Date(2026, 0, 1), max: new Date(2027, 0, 1), noInvalidDate: true }).map((d) => d.toISOString()),
        { nil: null },
      ),
      createdAt: fc.date({ min: new Date(2026, 0, 1), max: new Date(2027, 0, 1), noInvalidDate: true }).map((d) => d.toISOString()),
    });
    fc.assert(fc.property(arb, arb, (a, b) => Math.sign(byAllocationPriority(a, b)) === -Math.sign(byAllocationPriority(b, a))));
  });
  it('computes the earliest acceptable expiry from a shelf-life rule', () => {
    expect(minExpiryDate(new Date('2026-11-25T23:30:00Z'), 30)).toBe('2026-12-25');
    expect(minExpiryDate(new Date('2026-11-25T10:00:00Z'), 0)).toBeUndefined();
    expect(minExpiryDate(new Date('2026-11-25T10:00:00Z'), null)).toBeUndefined();
  });
});

describe('cancellation stage', () => {
  it.each([
    ['pending', 0, [], 'before_pick'],
    ['allocated', 0, ['created'], 'before_pick'],
    ['backordered', 0, [], 'before_pick'],
    ['allocated', 2, [], 'after_pick'],
    ['picking', 0, [], 'after_pick'],
    ['packed', 0, ['packed'], 'after_pick'],
    ['allocated', 0, ['labelled'], 'after_pick'],
    ['shipped', 0, [], 'shipped'],
    ['delivered', 0, [], 'shipped'],
    ['packed', 0, ['dispatched'], 'shipped'],
    ['cancelled', 0, [], 'cancelled'],
  ] as const)('%s picked=%s shipments=%j → %s', (status, picked, ships, stage) =>
    expect(cancelStage(status, picked, [...ships])).toBe(stage),
  );
});

describe('webhook topics and subscriptions', () => {
  it('maps storefront topics', () => {
    expect(topicAction('shopify', 'orders/create')).toBe('import');
    expect(topicAction('shopify', 'orders/cancelled')).toBe('import');
    expect(topicAction('shopify', 'orders/fulfilled')).toBe('ignore');
    expect(topicAction('shopify', 'products/update')).toBe('unknown');
    expect(topicAction('woocommerce', 'order.deleted')).toBe('delete');
    expect(topicAction('woocommerce', 'order.restored')).toBe('import');
    expect(topicAction('woocommerce', undefined)).toBe('unknown');
  });
  it('matches event patterns', () => {
    expect(matchesEventType(['order.*'], 'order.created')).toBe(true);
    expect(matchesEventType(['order.*'], 'orders.created')).toBe(false);
    expect(matchesEventType(['*'], 'stock.moved')).toBe(true);
    expect(matchesEventType(['shipment.labelled'], 'shipment.created')).toBe(false);
  });
});

describe('outbound schedule and storefront calls', () => {
  it('backs off exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, u) => {
        const d = backoffMs(n, 5000, 4 * 3600_000, u);
        const ceiling = Math.min(4 * 3600_000, 5000 * 2 ** (n - 1));
        return d >= ceiling / 2 - 1 && d <= ceiling + 1;
      }),
    );
    // With a 5 s base and 4 h cap, a 48 h window holds well over 8 attempts.
    let t = 0;
    let n = 0;
    while (t < 48 * 3600_000) t += backoffMs(++n, 5000, 4 * 3600_000, 0.5);
    expect(n).toBeGreaterThan(8);
  });
  it('builds Shopify fulfillments (through fulfillment orders) and WooCommerce status/notes', () => {
    const e = { id: '9', seq: 1, warehouseId: 'w', type: 'shipment.labelled', payload: {}, occurredAt: '2026-11-25T10:00:00Z' };
    const s = { shipmentId: 's1', orderId: 'o1', carrierCode: 'DHL', trackingNumber: 'JD1', trackingUrl: 'https://t.example/JD1' };
    const shop = callbacksFor({ kind: 'shopify', callback_url: null, shop_domain: 'x.myshopify.com', site_url: null }, e, '123', s);
    expect(shop).toEqual([
      {
        key: 'fulfillment',
        method: 'POST',
        url: 'https://x.myshopify.com/admin/api/2024-10/fulfillments.json',
        body: {
          [SHOPIFY_FO_LOOKUP]: 'https://x.myshopify.com/admin/api/2024-10/orders/123/fulfillment_orders.json',
          fulfillment: {
            line_items_by_fulfillment_order: [],
            tracking_info: { company: 'DHL', number: 'JD1', url: 'https://t.example/JD1' },
            notify_customer: true,
          },
        },
      },
    ]);
    // Once the open fulfillment orders are read: every open one that accepts a fulfillment, the lookup key dropped.
    expect(
      shopifyFulfillmentBody(shop[0]!.body as Record<string, unknown>, [
        { id: 1, status: 'open', supported_actions: ['create_fulfillment'] },
        { id: 2, status: 'in_progress', supported_actions: ['create_fulfillment'] },
        { id: 3, status: 'closed', supported_actions: [] },
        { id: 4, status: 'on_hold', supported_actions: ['release_hold'] },
      ]),
    ).toEqual({
      fulfillment: {
        line_items_by_fulfillment_order: [{ fulfillment_order_id: 1 }, { fulfillment_order_id: 2 }],
        tracking_info: { company: 'DHL', number: 'JD1', url: 'https://t.example/JD1' },
        notify_customer: true,
      },
    });
    expect(shopifyFulfillmentBody(shop[0]!.body as Record<string, unknown>, [{ id: 3, status: 'closed' }])).toBeNull();
    const woo = callbacksFor({ kind: 'woocommerce', callback_url: null, shop_domain: null, site_url: 'https://shop.example' }, e, '897', s);
    expect(woo.map((c) => `${c.method} ${c.url}`)).toEqual([
      'PUT https://shop.example/wp-json/wc/v3/orders/897',
      'POST https://shop.example/wp-json/wc/v3/orders/897/notes',
    ]);
    expect(
      callbacksFor(
        { kind: 'shopify', callback_url: null, shop_domain: 'x.myshopify.com', site_url: null },
        { ...e, type: 'shipment.created' },
        '1',
        s,
      ),
    ).toEqual([]);
  });
});

describe('Shopify: one fulfillment per carton', () => {
  it('maps cartons to storefront lines in carton order, two lines of one SKU split over cartons', () => {
    const lines = [
      { skuId: 'A', externalLineId: '11', qty: 1 },
      { skuId: 'A', externalLineId: '12', qty: 2 },
      { skuId: 'B', externalLineId: '13', qty: 1 },
    ];
    const cartons = [
      { id: 's1', contents: [{ skuId: 'A', qty: 2 }] },
      {
        id: 's2',
        contents: [
          { skuId: 'A', qty: 1 },
          { skuId: 'B', qty: 1 },
        ],
      },
    ];
    expect(cartonLinesOf(cartons, lines, 's1')).toEqual([
      { lineItemId: '11', qty: 1 },
      { lineItemId: '12', qty: 1 },
    ]);
    expect(cartonLinesOf(cartons, lines, 's2')).toEqual([
      { lineItemId: '12', qty: 1 },
      { lineItemId: '13', qty: 1 },
    ]);
    // A unit with no storefront line id (or more units than the order has) cannot be mapped.
    expect(cartonLinesOf(cartons, [{ skuId: 'A', externalLineId: null, qty: 3 }, lines[2]!], 's1')).toBeUndefined();
    expect(cartonLinesOf([{ id: 's1', contents: [{ skuId: 'C', qty: 1 }] }], lines, 's1')).toBeUndefined();
  });

  it("lists only the carton's fulfillment-order line items, up to what is still fulfillable", () => {
    const body = {
      [SHOPIFY_FO_LOOKUP]: 'https://x/fo.json',
      [SHOPIFY_CARTON_LINES]: [
        { lineItemId: '12', qty: 1 },
        { lineItemId: '13', qty: 1 },
      ],
      fulfillment: {
        line_items_by_fulfillment_order: [],
        tracking_info: { company: 'PolderPost', number: 'PP2', url: null },
        notify_customer: true,
      },
    };
    const fos = [
      {
        id: 900,
        status: 'in_progress',
        supported_actions: ['create_fulfillment'],
        line_items: [
          { id: 71, line_item_id: 11, fulfillable_quantity: 0, quantity: 1 },
          { id: 72, line_item_id: 12, fulfillable_quantity: 1, quantity: 2 },
        ],
      },
      {
        id: 901,
        status: 'open',
        supported_actions: ['create_fulfillment'],
        line_items: [{ id: 73, line_item_id: 13, fulfillable_quantity: 1, quantity: 1 }],
      },
      {
        id: 902,
        status: 'closed',
        supported_actions: [],
        line_items: [{ id: 74, line_item_id: 13, fulfillable_quantity: 0, quantity: 1 }],
      },
    ];
    expect(shopifyFulfillmentBody(body, fos)).toEqual({
      fulfillment: {
        line_items_by_fulfillment_order: [
          { fulfillment_order_id: 900, fulfillment_order_line_items: [{ id: 72, quantity: 1 }] },
          { fulfillment_order_id: 901, fulfillment_order_line_items: [{ id: 73, quantity: 1 }] },
        ],
        tracking_info: { company: 'PolderPost', number: 'PP2', url: null },
        notify_customer: true,
      },
    });
    // Everything of this carton already fulfilled (a retried label event): nothing to send.
    expect(shopifyFulfillmentBody(body, [{ ...fos[0]!, line_items: [{ id: 72, line_item_id: 12, fulfillable_quantity: 0 }] }])).toBeNull();
  });
});

describe('reconciliation paging', () => {
  it('builds the listing URLs and follows pages', () => {
    const woo = pollUrl({ kind: 'woocommerce', shop_domain: null, site_url: 'https://shop.example' }, '2026-11-25T00:00:00.000Z')!;
    expect(woo).toContain('/wp-json/wc/v3/orders?modified_after=2026-11-25T00%3A00%3A00.000Z');
    expect(nextPollUrl('woocommerce', woo, { totalPages: '3' }, 100)).toContain('page=2');
    expect(nextPollUrl('woocommerce', woo.replace('&page=1', '&page=3'), { totalPages: '3' }, 100)).toBeUndefined();
    const shop = pollUrl({ kind: 'shopify', shop_domain: 'x.myshopify.com', site_url: null }, '2026-11-25T00:00:00.000Z')!;
    expect(shop).toContain('updated_at_min=2026-11-25T00%3A00%3A00.000Z');
    expect(
      nextPollUrl('shopify', shop, { link: '<https://x.myshopify.com/admin/api/2024-10/orders.json?page_info=abc>; rel="next"' }, 250),
    ).toBe('https://x.myshopify.com/admin/api/2024-10/orders.json?page_info=abc');
    expect(nextPollUrl('shopify', shop, { link: '<https://x/p>; rel="previous"' }, 250)).toBeUndefined();
    expect(modifiedAt('woocommerce', { date_modified_gmt: '2021-09-06T18:05:12' })).toBe('2021-09-06T18:05:12.000Z');
  });
});
