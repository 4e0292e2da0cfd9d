/**
 * The webhook edge never holds a storefront for long: when the group-commit insert cannot finish (here: the table is
 * locked by another session), the webhook is answered 503 + Retry-After at INTAKE_ACK_DEADLINE_MS, saying it may have
 * been stored. Once the insert commits, the storefront's retry with the same webhook id is recognized as a
 * duplicate: one row, nothing lost, nothing twice. The refusal is counted in /metrics with reason "deadline".
 * A delivery still waiting for a writer at the deadline (one writer here, busy with the stuck insert) is withdrawn:
 * its 503 says nothing was stored, and nothing is (reason "deadline_queued").
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { count, createConnector, fixtureRaw, postShopify } from '../orders/helpers.js';

const SECRET = 'shpss_deadline_secret_0123456789';
let sys: TestSystem;
let shop: { id: string };

beforeAll(async () => {
  sys = await startTestSystem({ env: { INTAKE_ACK_DEADLINE_MS: '300', INTAKE_WRITERS: '1', INTAKE_MAX_QUEUE_MS: '60000' } });
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
  it('withdraws a delivery still waiting for a writer at the deadline: its 503 says nothing was stored, and nothing is', async () => {
    const raw = fixtureRaw('shopify/orders-create.hkd-line-item-discounts.json');
    const rows = (id: string) =>
      count(sys, 'select count(*) as n from webhook_delivery where connector_id = ? and delivery_id = ?', [shop.id, id]);
    const locker = new pg.Client({ connectionString: sys.config.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table webhook_delivery in share row exclusive mode');
      const writing = postShopify(sys, shop.id, SECRET, raw, { webhookId: 'deadline-writing' });
      // The one writer is stuck in its insert (waiting for the lock) before the second delivery arrives.
      for (let i = 0; i < 200; i++) {
        const waits = await locker.query<{ n: number }>(
          `select count(*)::int as n from pg_locks where relation = 'webhook_delivery'::regclass and not granted`,
        );
        if (waits.rows[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const queued = await postShopify(sys, shop.id, SECRET, raw, { webhookId: 'deadline-queued' });
      expect(queued.status, queued.text).toBe(503);
      expect(Number(queued.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(queued.body).toMatchObject({ reason: 'deadline_queued' });
      expect(queued.body.detail).toContain('nothing was stored');
      const first = await writing;
      expect(first.status, first.text).toBe(503);
      expect(first.body).toMatchObject({ reason: 'deadline' });
      await locker.query('commit');
    } finally {
      await locker.end();
    }
    // The insert that was running commits; the withdrawn one never reached the database.
    for (let i = 0; i < 50 && (await rows('deadline-writing')) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await rows('deadline-writing')).toBe(1);
    expect(await rows('deadline-queued')).toBe(0);
    const retry = await postShopify(sys, shop.id, SECRET, raw, { webhookId: 'deadline-queued' });
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body).toMatchObject({ ok: true, duplicate: false });
    expect(await rows('deadline-queued')).toBe(1);
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(metrics).toMatch(/^intake_shed_total\{route="webhooks",reason="deadline_queued"\} [1-9]\d*$/m);
  }, 120_000);
});
