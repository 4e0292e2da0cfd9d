import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDeliveryBody, readDeliveryBody } from './delivery-body.js';

const fx = (p: string) => readFileSync(new URL(`../../test/fixtures/storefront/${p}`, import.meta.url), 'utf8');
const shopify = JSON.parse(fx('shopify/orders-create.hkd-4-items-discount-code.json'));
const woo = JSON.parse(fx('woocommerce/order.created.wc-5.6-processing-stripe.json'));
const edit = <T>(o: T, f: (c: T) => void): string => {
  const c = structuredClone(o);
  f(c);
  return JSON.stringify(c);
};

/** Bodies the webhook edge must judge exactly as the importer does: accepted ones map, refused ones say why. */
const cases: [kind: 'shopify' | 'woocommerce', action: 'import' | 'delete', raw: string][] = [
  ...['orders-cancelled.hkd-refunded.json', 'orders-create.hkd-4-items-discount-code.json', 'orders-create.hkd-4-items-hk-shipping.json']
    .concat(['orders-create.hkd-line-item-discounts.json', 'orders-create.shopify-sample-notification.json'])
    .map((f): ['shopify', 'import', string] => ['shopify', 'import', fx(`shopify/${f}`)]),
  ['woocommerce', 'import', fx('woocommerce/order.created.wc-5.6-processing-stripe.json')],
  ['shopify', 'import', '{"id": 1, "currency": "EUR", '],
  ['shopify', 'import', JSON.stringify({ id: 5, title: 'Snowboard', product_type: 'board' })],
  ['shopify', 'import', edit(shopify, (o) => (o.line_items = []))],
  ['shopify', 'import', edit(shopify, (o) => (o.line_items[0].price = '12,50'))],
  ['shopify', 'import', edit(shopify, (o) => (o.total_price = 'free'))],
  ['shopify', 'import', edit(shopify, (o) => (o.total_price = ''))],
  ['shopify', 'import', edit(shopify, (o) => o.line_items.forEach((l: { requires_shipping: boolean }) => (l.requires_shipping = false)))],
  ['shopify', 'import', edit(shopify, (o) => o.line_items.forEach((l: { current_quantity: number }) => (l.current_quantity = 0)))],
  [
    'shopify',
    'import',
    edit(shopify, (o) => {
      o.cancelled_at = '2026-11-30T10:00:00Z';
      o.line_items.forEach((l: { requires_shipping: boolean }) => (l.requires_shipping = false));
    }),
  ],
  ['shopify', 'import', edit(shopify, (o) => (o.line_items[0].quantity = 10_000_000_000))],
  ['woocommerce', 'import', edit(woo, (o) => (o.line_items[0].total = '1.2.3'))],
  ['woocommerce', 'import', edit(woo, (o) => delete o.status)],
  ['shopify', 'delete', '{"id": 42}'],
  ['shopify', 'delete', '{"name": "no id"}'],
  ['woocommerce', 'delete', 'not json'],
];

describe('the webhook edge check', () => {
  it('accepts exactly the bodies the importer can act on, and refuses the rest with the same reason', () => {
    let refused = 0;
    for (const [kind, action, raw] of cases) {
      const read = readDeliveryBody(kind, action, raw);
      const check = checkDeliveryBody(kind, action, raw);
      if (read.ok) expect(check, raw.slice(0, 200)).toEqual({ ok: true });
      else {
        expect(check, raw.slice(0, 200)).toEqual(read);
        refused++;
      }
    }
    expect(refused).toBe(12);
  });

  it('names the field of an amount it cannot read (refused as not an order, never an error of the importer)', () => {
    const bad = edit(shopify, (o) => (o.line_items[0].price = '12,50'));
    expect(checkDeliveryBody('shopify', 'import', bad)).toEqual({
      ok: false,
      malformedJson: false,
      reason: expect.stringContaining('line_items.0.price: not a decimal amount'),
    });
    expect(readDeliveryBody('shopify', 'import', bad)).toMatchObject({ ok: false, reason: expect.stringContaining('line_items.0.price') });
  });
});
