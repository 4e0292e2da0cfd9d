/**
 * A 3× overload at the storefront edge (issue 19's acceptance): far more webhooks than the intake gate lets in at
 * once. The surplus gets 503 + Retry-After before anything is stored, the simulated storefront retries each one
 * with its same webhook id (as Shopify does), some orders also arrive twice under new webhook ids, and in the end
 * every order exists exactly once and every delivery id is stored once. /metrics counts every refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { count, createConnector, drained, fixtureRaw, postShopify } from '../orders/helpers.js';

const SECRET = 'shpss_overload_secret_0123456789';
const ORDERS = 40;
const DUPLICATES = 12;
let sys: TestSystem;
let admin: TestUser;
let shop: { id: string };

beforeAll(async () => {
  // Four intake requests at a time on this node, and at most 10 stored deliveries waiting for the importer. The
  // importer starts only after the first deliveries (below), so the backlog gate is sure to trip however fast the machine.
  sys = await startTestSystem({ env: { INTAKE_MAX_INFLIGHT: '4', INTAKE_MAX_BACKLOG: '10' } });
  admin = await sys.user('ov-admin', ['admin'], []);
  shop = await createConnector(sys, admin.token, {
    kind: 'shopify',
    name: 'Overload shop',
    shopDomain: 'test-shop.myshopify.com',
    webhookSecret: SECRET,
    pollEnabled: false,
  });
}, 120_000);
afterAll(() => sys?.close());

/** The intake refusals /metrics has counted so far (a process-wide counter: other files' apps may have added to it). */
async function shedCounted(): Promise<number> {
  const metrics = await (await fetch(`${sys.url}/metrics`)).text();
  return [...metrics.matchAll(/^intake_shed_total\{route="webhooks",reason="\w+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('intake under a 3× overload', () => {
  it('sheds with 503 + Retry-After, and storefront retries end with every order once', async () => {
    const src = JSON.parse(fixtureRaw('shopify/orders-create.hkd-line-item-discounts.json'));
    const raw = (i: number) => JSON.stringify({ ...src, id: 991_000_000 + i, name: `#OV${i}` });
    let shed = 0;
    let badRetryAfter = 0;
    const countedBefore = await shedCounted();
    /** A storefront delivering one webhook: on 503 it waits Retry-After (scaled down 10×) and sends the same id again. */
    const deliver = async (i: number, webhookId: string) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const r = await postShopify(sys, shop.id, SECRET, raw(i), { webhookId });
        if (r.status === 200) return;
        expect(r.status, r.text).toBe(503);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        const after = Number(r.headers.get('retry-after'));
        if (!(after >= 1)) badRetryAfter++;
        shed++;
        await new Promise((res) => setTimeout(res, after * 100 * (0.5 + Math.random())));
      }
      throw new Error(`webhook ${webhookId} never accepted`);
    };
    // Deliveries arrive over about 3 s (the backlog figure is re-read every second); the importer starts after 4 s.
    const later = (ms: number, f: () => Promise<void>) => new Promise((r) => setTimeout(r, ms)).then(f);
    const importer = later(4_000, async () => {
      await sys.startWorkers();
    });
    await Promise.all([
      ...Array.from({ length: ORDERS }, (_, i) => later(i * 75, () => deliver(i, `ov-${i}`))),
      // The same order again under a new webhook id (a storefront's own duplicate), racing the first.
      ...Array.from({ length: DUPLICATES }, (_, k) => later(k * 200, () => deliver(k * 3, `ov-dup-${k}`))),
      importer,
    ]);
    expect(shed).toBeGreaterThan(0);
    expect(badRetryAfter).toBe(0);
    // Every refusal is counted in /metrics by its reason, beside the gate's queue depth and backlog.
    expect((await shedCounted()) - countedBefore).toBe(shed);
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(metrics).toMatch(/^intake_queue_depth\{route="webhooks"\} \d+$/m);
    expect(metrics).toMatch(/^intake_backlog \d+$/m);
    expect(metrics).toMatch(/^intake_retry_after_seconds\{route="webhooks"\} \d+$/m);
    await drained(sys, shop.id);
    expect(await count(sys, `select count(*) as n from sales_order where connector_id = ?`, [shop.id])).toBe(ORDERS);
    expect(
      await count(
        sys,
        `select count(*) as n from (select external_id from sales_order where connector_id = ? group by external_id having count(*) > 1) d`,
        [shop.id],
      ),
    ).toBe(0);
    expect(await count(sys, `select count(*) as n from webhook_delivery where connector_id = ?`, [shop.id])).toBe(ORDERS + DUPLICATES);
    console.log(`[overload] ${ORDERS + DUPLICATES} deliveries, ${shed} answers of 503 retried`);
  }, 240_000);
});
