import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashGate } from '../../domain/identity/hash-gate.js';
import { ServiceBusy } from '../../domain/shared/errors.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';

/** OWASP API4:2023 Unrestricted Resource Consumption: per-caller limits, bounded hashing, bounded work per request. */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({
    env: { API_RATE_LIMIT_PER_MIN: '5', WEBHOOK_RATE_LIMIT_PER_MIN: '3', HASH_CONCURRENCY: '1', HASH_QUEUE: '1' },
  });
});
afterAll(async () => sys?.close());

describe('API4 rate limits per caller', () => {
  it('limits every authenticated route per user (429 problem+json with Retry-After), each user on their own budget', async () => {
    const a = await sys.user('sup-a', ['supervisor'], [sys.wh1]);
    const b = await sys.user('sup-b', ['supervisor'], [sys.wh1]);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await http('GET', `${sys.url}/v1/warehouses`, { token: a.token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await http('GET', `${sys.url}/v1/auth/me`, { token: a.token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/problem\+json/);
    expect(limited.headers.get('retry-after')).toBeTruthy();
    expect((await http('GET', `${sys.url}/v1/warehouses`, { token: b.token })).status).toBe(200);
    // Public probes are not counted against anyone.
    for (let i = 0; i < 8; i++) expect((await http('GET', `${sys.url}/health/live`)).status).toBe(200);
  });

  it('limits storefront webhooks per connector, whoever sends them', async () => {
    const connector = crypto.randomUUID();
    const other = crypto.randomUUID();
    const post = (id: string, i: number) =>
      http('POST', `${sys.url}/v1/webhooks/shopify/${id}`, {
        raw: '{}',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(connector, i)).status);
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect((await post(other, 9)).status).not.toBe(429);
  });
});

describe('API4 password hashing is bounded', () => {
  it('a gate of 1 running + 1 waiting refuses the third at once with 503 busy', async () => {
    const gate = new HashGate(1, 1);
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((r) => (release = r)));
    const second = gate.run(async () => 'second');
    await expect(gate.run(async () => 'third')).rejects.toBeInstanceOf(ServiceBusy);
    expect(gate.stats).toEqual({ running: 1, waiting: 1 });
    release();
    await first;
    expect(await second).toBe('second');
    expect(gate.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('a burst of unauthenticated logins gets 401s and 503 busy, never a pile of 128 MiB hashes', async () => {
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => http('POST', `${sys.url}/v1/auth/login`, { body: { username: `ghost${i}`, password: 'x' } })),
    );
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    expect(statuses).toContain(503);
    const busy = burst.find((r) => r.status === 503)!;
    expect(busy.headers.get('content-type')).toMatch(/problem\+json/);
    expect(busy.headers.get('retry-after')).toBe('1');
  });
});
