import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mapShopifyOrder } from './shopify.mapper.js';
import { mapWooOrder } from './woocommerce.mapper.js';
import { mapGenericOrder, genericOrderBody } from './generic.mapper.js';
import { toMinor } from './money.js';
import { cleanText, countryCode, normalizePhone } from './text.js';
import { NotAnOrder } from './normalized-order.js';

const fx = (p: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/storefront/${p}`, import.meta.url), 'utf8'));

describe('money', () => {
  it('converts decimal strings exactly, per currency exponent', () => {
    expect(toMinor('394.00', 'HKD')).toBe(39400);
    expect(toMinor('14.99', 'USD')).toBe(1499);
    expect(toMinor(14.99, 'USD')).toBe(1499);
    expect(toMinor('1200', 'JPY')).toBe(1200);
    expect(toMinor('1.234', 'KWD')).toBe(1234);
    expect(toMinor('0.125', 'EUR')).toBe(13);
    expect(toMinor('-5.5', 'EUR')).toBe(-550);
    expect(toMinor(null, 'EUR')).toBe(0);
    expect(() => toMinor('12,50', 'EUR')).toThrow();
  });
  it('round-trips any cent amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        (c) => toMinor(`${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`, 'USD') === c,
      ),
    );
  });
});

describe('text', () => {
  it('keeps every script, strips controls and bidi overrides, NFC-normalizes', () => {
    expect(cleanText('aaa0103測試商品11aa')).toBe('aaa0103測試商品11aa');
    expect(cleanText('  Zoë\u0000 \u202eevil ')).toBe('Zoë evil');
    expect(cleanText('e\u0301')).toBe('é');
    expect(cleanText('🙂'.repeat(300), 10)).toBe('🙂'.repeat(10));
    expect(cleanText('   ')).toBeUndefined();
  });
  it('resolves ISO country codes from codes or English names', () => {
    expect(countryCode('hk')).toBe('HK');
    expect(countryCode(undefined, 'Hong Kong')).toBe('HK');
    expect(countryCode(null, 'United States')).toBe('US');
    expect(countryCode('XX', 'Atlantis')).toBeUndefined();
    expect(countryCode('EU')).toBeUndefined();
  });
  it('normalizes phones with a country prefix to E.164', () => {
    expect(normalizePhone('+852 9145 1002')).toBe('+85291451002');
    expect(normalizePhone('0044 20 7946 0000')).toBe('+442079460000');
    expect(normalizePhone('555-555-SHIP')).toBe('555-555-SHIP');
  });
});

describe('Shopify mapper', () => {
  it('maps the HK 4-item order: lines, address, totals in minor units', () => {
    const o = mapShopifyOrder(fx('shopify/orders-create.hkd-4-items-hk-shipping.json'));
    expect(o).toMatchObject({
      externalId: '6198432301356',
      externalNumber: '#1054',
      currency: 'HKD',
      cancelled: false,
      subtotalMinor: 37400,
      shippingMinor: 2000,
      taxMinor: 0,
      discountMinor: 2500,
      totalMinor: 39400,
      priority: 'standard',
      shipTo: { name: 'Alan', countryCode: 'HK', phone: '+85200000000' },
      customer: { externalId: '8658316394796', email: 'it@akastudio.com.hk' },
      updatedAt: '2025-01-23T06:59:38.000Z',
    });
    expect(o.lines).toHaveLength(4);
    expect(o.lines[0]).toMatchObject({
      externalLineId: '15514975502636',
      externalRef: '50398373085484',
      name: 'aaa0103測試商品11aa',
      qty: 1,
      unitPriceMinor: 9900,
      discountMinor: 978,
    });
  });
  it('maps the sample notification with SKUs and a cancelled flag', () => {
    const o = mapShopifyOrder(fx('shopify/orders-create.shopify-sample-notification.json'));
    expect(o.lines.map((l) => [l.sku, l.qty, l.unitPriceMinor, l.discountMinor])).toEqual([
      ['IPOD2008PINK', 1, 19900, 0],
      ['IPOD2008PINK', 1, 19900, 500],
    ]);
    expect(o).toMatchObject({
      currency: 'USD',
      totalMinor: 40300,
      shippingMinor: 1000,
      cancelled: true,
      shipTo: { countryCode: 'US', provinceCode: 'KY', city: 'Shippington', postcode: '40003' },
    });
  });
  it('maps every Shopify fixture', () => {
    for (const f of [
      'orders-cancelled.hkd-refunded.json',
      'orders-create.hkd-4-items-discount-code.json',
      'orders-create.hkd-line-item-discounts.json',
    ]) {
      const o = mapShopifyOrder(fx(`shopify/${f}`));
      expect(o.lines.length).toBeGreaterThan(0);
      expect(o.subtotalMinor + o.shippingMinor + o.taxMinor).toBe(o.totalMinor);
    }
    expect(mapShopifyOrder(fx('shopify/orders-cancelled.hkd-refunded.json')).cancelled).toBe(true);
  });
  it('rejects JSON that is not an order, with a reason', () => {
    expect(() => mapShopifyOrder({ id: 1, product_type: 'shoe' })).toThrow(NotAnOrder);
    try {
      mapShopifyOrder({ id: 1, currency: 'USD', line_items: [] });
    } catch (e) {
      expect((e as NotAnOrder).reason).toMatch(/line item/);
    }
  });
  it('refuses an oversized storefront quantity (it would fail the import on every retry)', () => {
    const shop = fx('shopify/orders-create.hkd-4-items-discount-code.json');
    shop.line_items[0].quantity = 10_000_000_000;
    shop.line_items[0].current_quantity = null;
    expect(() => mapShopifyOrder(shop)).toThrow(NotAnOrder);
    const woo = fx('woocommerce/order.created.wc-5.6-processing-stripe.json');
    woo.line_items[0].quantity = 100_001;
    expect(() => mapWooOrder(woo)).toThrow(/quantity|100000/);
  });
});

describe('WooCommerce mapper', () => {
  it('maps the 5.6 processing order', () => {
    const o = mapWooOrder(fx('woocommerce/order.created.wc-5.6-processing-stripe.json'));
    expect(o).toMatchObject({
      externalId: '897',
      externalNumber: '897',
      currency: 'USD',
      cancelled: false,
      totalMinor: 2844,
      shippingMinor: 1345,
      subtotalMinor: 1499,
      shipTo: {
        name: 'Uyi Moses',
        address1: '8623 Hemlock Hill Drive, Houston',
        city: 'Lagos',
        province: 'TX',
        postcode: '23401',
        countryCode: 'US',
      },
      customer: { externalId: '1', email: 'uyi@penciledge.net' },
      shippingMethod: 'Flat rate',
      updatedAt: '2021-09-06T18:05:12.000Z',
    });
    expect(o.lines).toEqual([
      {
        externalLineId: '58',
        sku: undefined,
        externalRef: '753',
        name: 'Rhapsody of Realities- A Topical Compendium volume 5',
        qty: 1,
        unitPriceMinor: 1499,
        discountMinor: 0,
      },
    ]);
  });
  it('treats cancelled/refunded as cancellation and rejects non-orders', () => {
    expect(mapWooOrder({ ...fx('woocommerce/order.created.wc-5.6-processing-stripe.json'), status: 'cancelled' }).cancelled).toBe(true);
    expect(() => mapWooOrder({ id: 5, name: 'a product' })).toThrow(NotAnOrder);
  });
});

describe('generic mapper', () => {
  it('computes totals and marks express from the method', () => {
    const b = genericOrderBody.parse({
      warehouseId: '00000000-0000-4000-8000-000000000001',
      externalId: 'A-1',
      currency: 'eur',
      shipTo: { name: 'Jürgen Ørsted', address1: 'Hauptstraße 1', city: 'München', country: 'Germany' },
      shippingMethod: 'DHL Express',
      shippingMinor: 500,
      lines: [{ sku: 'X', qty: 2, unitPriceMinor: 1000 }],
    });
    const o = mapGenericOrder(b);
    expect(o).toMatchObject({
      currency: 'EUR',
      priority: 'express',
      subtotalMinor: 2000,
      totalMinor: 2500,
      shipTo: { countryCode: 'DE', name: 'Jürgen Ørsted' },
    });
  });
});
