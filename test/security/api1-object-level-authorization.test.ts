import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';
import { createConnector } from '../orders/helpers.js';

/** OWASP API1:2023 Broken Object Level Authorization: ids the caller names must be theirs to use. */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

describe('API1 nested ids', () => {
  it('POST /v1/orders cannot name a Shopify connector (it would overwrite a storefront order): 404', async () => {
    const admin = await sys.user('bola-admin', ['admin'], []);
    const shop = await createConnector(sys, admin.token, {
      kind: 'shopify',
      name: 'storefront',
      shopDomain: 'bola-shop.myshopify.com',
      webhookSecret: 'shopify-secret-0123456789',
    });
    const r = await http('POST', `${sys.url}/v1/orders`, {
      token: admin.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        warehouseId: sys.wh1,
        connectorId: shop.id,
        externalId: '1001',
        currency: 'USD',
        shipTo: { name: 'A', address1: 'B', city: 'C', country: 'US' },
        lines: [{ sku: 'NOPE', qty: 1 }],
      },
    });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    expect(r.body.detail).toContain(shop.id);
  });
});
