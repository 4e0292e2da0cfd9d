import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

// GET /v1/warehouses/:id/events: catch-up after a seq (oldest first, `limit`), or the newest `last` (a screen opened
// mid-shift, the console's feed).
let sys: TestSystem;
let sup: TestUser;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  sup = await sys.user('ev-sup', ['supervisor'], [sys.wh1]);
  for (const text of ['one', 'two', 'three', 'four', 'five'])
    expect((await http('POST', `${sys.url}/v1/warehouses/${sys.wh1}/notes`, { token: sup.token, body: { text } })).status).toBe(201);
  // The relay sequences them (and the sign-in events it may find): wait until all five notes have a seq.
  for (let i = 0; ; i++) {
    const all = await events('after=0&limit=1000');
    if (all.body.items.filter((e: { type: string }) => e.type === 'warehouse.note.posted').length === 5) break;
    if (i > 300) throw new Error('the relay did not sequence the notes');
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => sys?.close());

const events = (query: string) => http('GET', `${sys.url}/v1/warehouses/${sys.wh1}/events?${query}`, { token: sup.token });
const texts = (r: Awaited<ReturnType<typeof events>>) => r.body.items.map((e: { payload: { text: string } }) => e.payload.text);

describe('GET /warehouses/:id/events', () => {
  it('gives the oldest `limit` after a seq, and the newest `last`, both oldest first', async () => {
    const first = await events('after=0&limit=2');
    expect(first.status, first.text).toBe(200);
    expect(texts(first)).toEqual(['one', 'two']);
    expect(first.body.nextAfter).toBe(2);

    const latest = await events('last=2');
    expect(texts(latest)).toEqual(['four', 'five']);
    expect(latest.body.items.map((e: { seq: number }) => e.seq)).toEqual([4, 5]);
    expect(latest.body.nextAfter).toBe(5);

    // `after` still bounds `last`: nothing older than it, even when fewer than `last` remain.
    expect(texts(await events('after=3&last=10'))).toEqual(['four', 'five']);
    expect((await events('after=5&last=10')).body).toEqual({ items: [], nextAfter: 5 });
  });

  it('names the field of a bad `last`', async () => {
    for (const bad of ['last=0', 'last=abc', 'last=1001']) {
      const r = await events(bad);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(r.body), bad).toContain('querystring.last');
    }
  });
});
