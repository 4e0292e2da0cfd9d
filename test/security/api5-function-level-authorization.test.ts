import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RegisteredRoute } from '../../api/app.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { CountRow } from '../../domain/shared/rows.js';
/**
 * OWASP API5:2023 Broken Function Level Authorization. The whole route × role table is asserted in
 * route-matrix.test.ts; here: no route is open by default, and the concrete attacks of a floor token on admin
 * functions and of an API key on functions outside its scopes.
 */
let sys: TestSystem;
let routes: RegisteredRoute[];
let picker: TestUser;
let admin: TestUser;
beforeAll(async () => {
  sys = await startTestSystem();
  const app = await buildApp(sys.rt);
  await app.ready();
  routes = app.routeTable;
  await app.close();
  picker = await sys.user('api5-picker', ['picker'], [sys.wh1]);
  admin = await sys.user('api5-admin', ['admin'], []);
});
afterAll(async () => sys?.close());

describe('API5 function level authorization', () => {
  it('every /v1 route either declares the roles it admits or is public by declaration (no default allow)', () => {
    const v1 = routes.filter((r) => r.url.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(150);
    const undeclared = v1.filter((r) => !r.config.public && !Array.isArray(r.config.roles)).map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
    // Public /v1 routes are the sign-in, webhook receivers (HMAC-verified) and the tracking page only.
    expect(
      v1
        .filter((r) => r.config.public)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual(
      [
        'GET /v1/track/:token',
        'POST /v1/auth/badge',
        'POST /v1/auth/login',
        'POST /v1/auth/refresh',
        'POST /v1/carrier-webhooks/:carrier',
        'POST /v1/webhooks/shopify/:connectorId',
        'POST /v1/webhooks/woocommerce/:connectorId',
      ].sort(),
    );
  });

  it('a picker token calling admin functions gets 403 problem+json and nothing is created', async () => {
    const users = async () => (await sqlOne<CountRow>(sys.rt.orm.em.fork(), 'select count(*)::int as n from app_user'))!.n;
    const before = await users();
    const attacks: [string, string, unknown][] = [
      ['POST', '/v1/users', { username: 'evil', displayName: 'e', password: 'evil-password-1', roles: ['admin'] }],
      ['PATCH', `/v1/users/${picker.id}`, { roles: ['admin'] }],
      ['POST', '/v1/api-clients', { name: 'x', scopes: ['inventory:write'], warehouseIds: [sys.wh1] }],
      ['POST', '/v1/webhook-subscriptions', { url: 'https://example.com/h', eventTypes: ['order.created'] }],
      ['POST', '/v1/connectors', { kind: 'api', name: 'x', warehouseId: sys.wh1, webhookSecret: 'x'.repeat(24) }],
      ['PUT', '/v1/catalog/skus/EVIL-1', { name: 'evil' }],
      ['PUT', '/v1/carriers/evil', { name: 'x', mode: 'parcel', services: [] }],
      ['POST', '/v1/privacy/purge', undefined],
      ['POST', '/v1/stock/movements', { warehouseId: sys.wh1, type: 'adjust', skuId: picker.id, qty: 1, reasonCode: 'found' }],
      ['POST', '/v1/stock/reservations/release', { refType: 'order', refId: 'x', reasonCode: 'reallocate' }],
      ['POST', `/v1/warehouses/${sys.wh1}/waves`, {}],
      ['GET', '/v1/audit', undefined],
      ['GET', '/v1/dead-letters', undefined],
    ];
    for (const [m, path, body] of attacks) {
      const r = await http(m, `${sys.url}${path}`, { token: picker.token, body: body ?? (m === 'GET' ? undefined : {}) });
      expect(r.status, `${m} ${path}`).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect(await users()).toBe(before);
    expect(await sqlOne(sys.rt.orm.em.fork(), `select 1 from sku where code = 'EVIL-1'`)).toBeUndefined();
  });

  it('an API key reaches only the functions of its scopes', async () => {
    const c = await http('POST', `${sys.url}/v1/api-clients`, {
      token: admin.token,
      body: { name: 'reader', scopes: ['inventory:read'], warehouseIds: [sys.wh1] },
    });
    expect(c.status, c.text).toBe(201);
    const key = { 'x-api-key': c.body.apiKey };
    expect((await http('GET', `${sys.url}/v1/stock/balances?warehouseId=${sys.wh1}`, { headers: key })).status).toBe(200);
    for (const [m, path] of [
      ['POST', '/v1/stock/movements'],
      ['GET', '/v1/orders'],
      ['GET', '/v1/users'],
      ['POST', '/v1/users'],
      ['GET', `/v1/warehouses/${sys.wh1}/tasks`],
    ] as const) {
      const r = await http(m, `${sys.url}${path}`, { headers: key, body: m === 'POST' ? {} : undefined });
      expect(r.status, `${m} ${path}`).toBe(403);
    }
  });
});
