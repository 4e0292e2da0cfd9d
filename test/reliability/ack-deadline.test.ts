/**
 * The webhook edge never holds a storefront for long: when the group-commit insert cannot finish (here: the table is
 * locked by another session), the webhook is answered 503 + Retry-After at INTAKE_ACK_DEADLINE_MS, saying it may have
 * been stored. Once the insert commits, the storefront's retry with the same webhook id is recognized as a
 * duplicate: one row, nothing lost, nothing twice. The refusal is counted in /metrics with reason "deadline".
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { count, createConnector, fixtureRaw, postShopify } from '../orders/helpers.js';

const SECRET = 'shpss_deadline_secret_0123456789';
let sys: TestSystem;
let shop: { id: string };

beforeAll(async () => {
  sys = await startTestSystem({ env: { INTAKE_ACK_DEADLINE_MS: '300' } });
  const admin = await sys.user('dl-admin', ['admin'], []);
  shop = await createConnector(sys, admin.token, {
    kind: 'shopify',
    name: 'Deadline shop',
    shopDomain: 'test-shop.myshopify.com',
    webhookSecret: SECRET,
    pollEnabled: false,
  });
}, 120_000);
afterAll(() => sys?.close());

describe('webhook acknowledgement deadline', () => {
  it('answers 503 + Retry-After while the insert is stuck, and the retry finds the stored delivery once', async () => {
    const raw = fixtureRaw('shopify/orders-create.hkd-line-item-discounts.json');
    const locker = new pg.Client({ connectionString: sys.config.DATABASE_URL });
    await locker.connect();
    try {
      // Blocks every insert into the table until this transaction ends.
      await locker.query('begin');
      await locker.query('lock table webhook_delivery in share row exclusive mode');
      const stuck = await postShopify(sys, shop.id, SECRET, raw, { webhookId: 'deadline-1' });
      expect(stuck.status, stuck.text).toBe(503);
      expect(Number(stuck.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(stuck.body.detail).toContain('may have been stored');
      await locker.query('commit');
    } finally {
      await locker.end();
    }
    // The insert that missed the deadline still commits; the retry is recognized.
    let retry = await postShopify(sys, shop.id, SECRET, raw, { webhookId: 'deadline-1' });
    for (let i = 0; i < 50 && retry.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      retry = await postShopify(sys, shop.id, SECRET, raw, { webhookId: 'deadline-1' });
    }
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body).toMatchObject({ ok: true, duplicate: true });
    expect(
      await count(sys, 'select count(*) as n from webhook_delivery where connector_id = ? and delivery_id = ?', [shop.id, 'deadline-1']),
    ).toBe(1);
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(metrics).toMatch(/^intake_shed_total\{route="webhooks",reason="deadline"\} [1-9]\d*$/m);
  }, 120_000);
});
