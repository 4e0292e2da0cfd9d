/**
 * The webhook edge's adaptive admission limit (api/plugins/admission-limit.ts) decides before the body is read. With a
 * floor of 2 and nothing finished in the last second, the process may hold 2 intake requests; three storefront
 * deliveries still sending their bodies are in its hands (a burst is let through), and once that excess has stood for
 * the target time, a fourth gets its 503 + Retry-After while its own body is still unsent. Before the limit, the
 * fourth was admitted (256 in flight) and left waiting for its body like the others.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { createConnector } from '../orders/helpers.js';

let sys: TestSystem;
let shop: { id: string };
const open: ClientRequest[] = [];

beforeAll(async () => {
  sys = await startTestSystem({ env: { INTAKE_MIN_INFLIGHT: '2', INTAKE_ADMIT_TARGET_MS: '50' } }); // the limit is off by default
  const admin = await sys.user('al-admin', ['admin'], []);
  shop = await createConnector(sys, admin.token, {
    kind: 'shopify',
    name: 'Limit shop',
    shopDomain: 'test-shop.myshopify.com',
    webhookSecret: 'shpss_limit_secret_0123456789',
    pollEnabled: false,
  });
}, 120_000);
afterAll(async () => {
  for (const r of open) r.destroy();
  await sys?.close();
});

/** A webhook whose headers and first bytes are sent and whose body is not finished. */
function partial(id: string): { req: ClientRequest; answer: Promise<IncomingMessage> } {
  const u = new URL(`${sys.url}/v1/webhooks/shopify/${shop.id}`);
  const req = request({
    host: u.hostname,
    port: u.port,
    path: u.pathname,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': '4096',
      'x-shopify-webhook-id': id,
      'x-shopify-topic': 'orders/create',
    },
  });
  req.on('error', () => undefined);
  req.write('{"id":');
  open.push(req);
  return { req, answer: new Promise((r) => req.once('response', r)) };
}

const inflight = async () =>
  Number(/^intake_inflight\{route="webhooks"\} (\d+)$/m.exec(await (await fetch(`${sys.url}/metrics`)).text())?.[1]);

describe('intake admission limit', () => {
  it('refuses beyond the limit before the body is read, with 503 + Retry-After', async () => {
    for (const id of ['al-1', 'al-2', 'al-3']) {
      partial(id);
      // Each is admitted in turn (the third over the limit, as a burst) before the next is sent.
      for (let i = 0; i < 100 && (await inflight()) < open.length; i++) await new Promise((r) => setTimeout(r, 20));
    }
    expect(await inflight()).toBe(3);
    // The excess has now stood longer than the target time.
    await new Promise((r) => setTimeout(r, 200));
    const fourth = partial('al-4');
    // Finishes the body only if no answer came first (the old gate answered only after the body).
    const fallback = setTimeout(() => fourth.req.end('0'.repeat(4090)), 10_000);
    const res = await fourth.answer;
    const bodyUnsent = !fourth.req.writableEnded;
    clearTimeout(fallback);
    expect(bodyUnsent).toBe(true);
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const body = JSON.parse(
      await new Promise<string>((r) => {
        let s = '';
        res.on('data', (d: Buffer) => (s += d.toString()));
        res.on('end', () => r(s));
      }),
    ) as { type: string; detail: string; instance: string };
    expect(body.type).toBe('https://dockside.dev/problems/intake-over-capacity');
    expect(body.detail).toContain("in this node's hands");
    expect(body.instance).toBe(`/v1/webhooks/shopify/${shop.id}`);
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(metrics).toMatch(/^intake_shed_total\{route="webhooks",reason="limit"\} 1$/m);
    expect(metrics).toMatch(/^intake_admission_limit\{route="webhooks"\} 2$/m);
  }, 60_000);
});
