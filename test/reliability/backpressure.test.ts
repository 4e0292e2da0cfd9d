/** Intake beyond capacity answers 503 with Retry-After and writes nothing; below it, intake proceeds. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { CountRow, IdRow } from '../../domain/shared/rows.js';
let sys: TestSystem;
let sup: TestUser;
const em = () => sys.rt.orm.em.fork();

beforeAll(async () => {
  sys = await startTestSystem({ env: { INTAKE_MAX_BACKLOG: '2' } });
  sup = await sys.user('bp-sup', ['supervisor'], [sys.wh1]);
});
afterAll(async () => sys?.close());

const order = (externalId: string) => ({
  warehouseId: sys.wh1,
  externalId,
  currency: 'EUR',
  shipTo: { name: 'A', address1: 'Street 1', city: 'Utrecht', country: 'NL' },
  lines: [{ sku: 'BP-1', qty: 1, unitPriceMinor: 100 }],
});
const post = (externalId: string) =>
  http('POST', `${sys.url}/v1/orders`, { token: sup.token, body: order(externalId), headers: { 'idempotency-key': randomUUID() } });
const orders = async () => (await sqlOne<CountRow>(em(), `select count(*)::int as n from sales_order where external_id like 'BP-%'`))!.n;

describe('intake backpressure', () => {
  it('refuses with 503 + Retry-After while the import backlog is over capacity, without writing, and recovers', async () => {
    expect((await post('BP-ok-1')).status).toBeLessThan(300);
    const c = await sqlOne<IdRow>(
      em(),
      `insert into connector (warehouse_id, kind, name, shop_domain, webhook_secret_enc, poll_enabled) values (?, 'shopify', 'bp', 'bp.example', 'x', false) returning id`,
      [sys.wh1],
    );
    await sql(
      em(),
      `insert into webhook_delivery (connector_id, source, delivery_id, topic, raw_body) values (?, 'shopify', 'bp1', 'orders/create', '{}'), (?, 'shopify', 'bp2', 'orders/create', '{}')`,
      [c!.id, c!.id],
    );
    await new Promise((r) => setTimeout(r, 1100)); // the backlog figure is cached for a second
    const before = await orders();
    const refused = await post('BP-refused');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.type).toContain('intake-over-capacity');
    // The storefront webhook edge is gated the same way (before any signature work or storage).
    // It is refused before Fastify routes the request (backpressure.ts, shedBeforeRouting), with the same problem body,
    // Retry-After, request id and security headers as any other answer.
    const hook = await http('POST', `${sys.url}/v1/webhooks/shopify/${c!.id}`, {
      body: { id: 1 },
      headers: { 'x-request-id': 'bp-early-1' },
    });
    expect(hook.status, hook.text).toBe(503);
    expect(hook.headers.get('retry-after')).toBe('5');
    expect(hook.headers.get('content-type')).toContain('application/problem+json');
    expect(hook.headers.get('x-request-id')).toBe('bp-early-1');
    expect(hook.headers.get('x-content-type-options')).toBe('nosniff');
    expect(hook.body).toMatchObject({
      type: 'https://dockside.dev/problems/intake-over-capacity',
      status: 503,
      instance: `/v1/webhooks/shopify/${c!.id}`,
      requestId: 'bp-early-1',
    });
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(metrics).toMatch(/^intake_shed_total\{route="webhooks",reason="backlog"\} [1-9]\d*$/m);
    expect(await orders()).toBe(before);
    expect((await sqlOne<CountRow>(em(), `select count(*)::int as n from webhook_delivery`))!.n).toBe(2);
    // Backlog drained → intake accepts again.
    await sql(em(), `update webhook_delivery set status = 'processed'`);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await post('BP-ok-2')).status).toBeLessThan(300);
    expect(await orders()).toBe(before + 1);
  });
});
