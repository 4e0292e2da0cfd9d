/**
 * The intake gate's loop-turn signal (INTAKE_MAX_TURN_MS): 200 webhooks land at once, so the API reads many of them in
 * one turn of its event loop; once that turn has used 2 ms of CPU, the rest read in it are refused on arrival with 503
 * problem+json, Retry-After and reason `turn`, nothing stored, each counted in /metrics. Retried with the same webhook id
 * (as a storefront does), every delivery is then stored exactly once. How the signal reads a held loop, and why a pause
 * off the CPU does not count, is in api/plugins/backpressure.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgArray } from '../../domain/shared/sql.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { count, createConnector, fixtureRaw, postShopify } from '../orders/helpers.js';

const SECRET = 'shpss_turn_secret_0123456789';
const N = 200;
let sys: TestSystem;
let shop: { id: string };

beforeAll(async () => {
  sys = await startTestSystem({ env: { INTAKE_MAX_TURN_MS: '2' } });
  const admin = await sys.user('turn-admin', ['admin'], []);
  shop = await createConnector(sys, admin.token, {
    kind: 'shopify',
    name: 'Turn shop',
    shopDomain: 'test-shop.myshopify.com',
    webhookSecret: SECRET,
    pollEnabled: false,
  });
}, 120_000);
afterAll(() => sys?.close());

describe('intake refusal in a long event-loop turn', () => {
  it('answers 503 + Retry-After with reason turn before anything is stored, and the retries store each delivery once', async () => {
    const src = JSON.parse(fixtureRaw('shopify/orders-create.hkd-line-item-discounts.json'));
    const raw = (i: number) => JSON.stringify({ ...src, id: 992_000_000 + i, name: `#TU${i}` });
    const first = await Promise.all(
      Array.from({ length: N }, (_, i) => postShopify(sys, shop.id, SECRET, raw(i), { webhookId: `turn-${i}` })),
    );
    const refused = first.flatMap((r, i) => (r.status === 503 ? [i] : []));
    expect(first.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    const turn = refused.filter((i) => (first[i]!.body as { reason: string }).reason === 'turn');
    expect(turn.length).toBeGreaterThan(0);
    const r = first[turn[0]!]!;
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = r.body as { status: number; detail: string };
    expect(body.status).toBe(503);
    expect(body.detail).toContain('without a break');
    expect(body.detail).toContain('nothing was stored');
    const ids = turn.map((i) => `turn-${i}`);
    expect(await count(sys, `select count(*) as n from webhook_delivery where delivery_id = any(?::text[])`, [pgArray(ids)])).toBe(0);
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(Number(/^intake_shed_total\{route="webhooks",reason="turn"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(turn.length);
    expect(metrics).toMatch(/^intake_queue_stalled_seconds\{route="webhooks"\} [\d.e-]+$/m);
    // The storefront's retries, one at a time (each in a turn of its own), with the same webhook ids.
    for (const i of refused)
      for (let attempt = 0; ; attempt++) {
        const again = await postShopify(sys, shop.id, SECRET, raw(i), { webhookId: `turn-${i}` });
        if (again.status === 200) break;
        expect(attempt, again.text).toBeLessThan(50);
        await new Promise((res) => setTimeout(res, 20));
      }
    expect(await count(sys, `select count(*) as n from webhook_delivery where delivery_id like 'turn-%'`)).toBe(N);
    expect(await count(sys, `select count(distinct delivery_id) as n from webhook_delivery where delivery_id like 'turn-%'`)).toBe(N);
  }, 120_000);
});
