import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../domain/shared/sql.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { IdRow } from '../../domain/shared/rows.js';
let sys: TestSystem;
let disp: TestUser;
let other: TestUser;
const ids: Record<string, string[]> = { packed: [], labelled: [] };

beforeAll(async () => {
  sys = await startTestSystem();
  disp = await sys.user('disp', ['dispatcher'], [sys.wh1]);
  other = await sys.user('other', ['dispatcher'], [sys.wh2]);
  const em = sys.rt.orm.em.fork();
  // 7 packed and 5 labelled in WH1 with distinct creation times; 3 in WH2 that WH1's list must never show.
  for (let i = 0; i < 12; i++) {
    const status = i % 2 === 0 && ids.labelled.length < 5 ? 'labelled' : 'packed';
    const [r] = await sql<IdRow>(
      em,
      `insert into shipment (warehouse_id, status, weight_g, created_at) values (?, ?, ?, now() - make_interval(secs => ?)) returning id`,
      [sys.wh1, status, 1000 + i, i],
    );
    ids[status]!.push(r!.id);
  }
  await sql(em, `insert into shipment (warehouse_id, status) values (?, 'packed'), (?, 'packed'), (?, 'labelled')`, [
    sys.wh2,
    sys.wh2,
    sys.wh2,
  ]);
});
afterAll(() => sys?.close());

const list = (qs: string, token = disp.token) => http('GET', `${sys.url}/v1/shipments?${qs}`, { token });

describe('GET /v1/shipments', () => {
  it('pages a warehouse newest first with a cursor, every row once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await list(`warehouseId=${sys.wh1}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((s: { id: string }) => s.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
    expect(new Set(seen)).toEqual(new Set([...ids.packed!, ...ids.labelled!]));
    const first = await list(`warehouseId=${sys.wh1}&limit=1`);
    expect(first.body.items[0].weightG).toBe(1000); // created most recently
  });

  it('filters by one status or a comma-separated set', async () => {
    const p = await list(`warehouseId=${sys.wh1}&status=packed&limit=100`);
    expect(p.body.items.map((s: { id: string }) => s.id).sort()).toEqual([...ids.packed!].sort());
    expect(p.body.items.every((s: { status: string }) => s.status === 'packed')).toBe(true);
    const both = await list(`warehouseId=${sys.wh1}&status=packed,labelled&limit=100`);
    expect(both.body.items).toHaveLength(12);
    const bad = await list(`warehouseId=${sys.wh1}&status=shipped-ish`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('answers a malformed cursor with 400 problem+json naming the field', async () => {
    for (const c of [
      'not-a-cursor',
      Buffer.from('["x"]').toString('base64url'),
      Buffer.from('["nope","also-nope"]').toString('base64url'),
    ]) {
      const r = await list(`warehouseId=${sys.wh1}&cursor=${c}`);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body.errors[0].path).toBe('querystring.cursor');
    }
  });

  it('is scoped to the caller’s warehouses', async () => {
    expect((await list(`warehouseId=${sys.wh1}`, other.token)).status).toBe(404);
    const own = await list(`warehouseId=${sys.wh2}`, other.token);
    expect(own.body.items).toHaveLength(3);
    expect((await http('GET', `${sys.url}/v1/shipments/${ids.packed![0]}`, { token: other.token })).status).toBe(404);
    expect((await http('GET', `${sys.url}/v1/shipments/${ids.packed![0]}`, { token: disp.token })).body.status).toBe('packed');
    expect((await list('')).status).toBe(400);
  });
});
