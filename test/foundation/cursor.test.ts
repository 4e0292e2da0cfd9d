import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { encodeCursor, InvalidCursor, keyset } from '../../domain/shared/cursor.js';

describe('keyset cursor (domain/shared/cursor.ts)', () => {
  const ks = keyset(['time', 'uuid']);
  const id = '0b9a7f1e-6f1c-4c7e-9d55-2b8c3a0c1d2e';

  it('round-trips the last row key of a page and says when there is no next page', () => {
    const rows = [1, 2, 3].map((n) => ({ at: `2026-11-30T0${n}:00:00.123456Z`, id }));
    const p = ks.page(rows, 2, (r) => [r.at, r.id]);
    expect(p.items).toHaveLength(2);
    expect(ks.after(p.nextCursor)).toEqual(['2026-11-30T02:00:00.123456Z', id]);
    expect(ks.page(rows, 3, (r) => [r.at, r.id]).nextCursor).toBeNull();
    expect(ks.after(undefined)).toBeNull();
  });

  it.each([
    ['not base64 json', 'not-a-cursor'],
    ['wrong arity', encodeCursor(['2026-11-30T00:00:00Z'])],
    ['not a time', encodeCursor(['yesterday', id])],
    ['not a uuid', encodeCursor(['2026-11-30T00:00:00Z', "1'; drop table x; --"])],
    ['an object', encodeCursor({ a: 1 } as never)],
  ])('refuses a cursor that is %s with a 400 naming querystring.cursor', (_what, c) => {
    let err: unknown;
    try {
      ks.after(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidCursor);
    expect((err as InvalidCursor).status).toBe(400);
    expect((err as InvalidCursor).errors[0]!.path).toBe('querystring.cursor');
  });
});

describe('every paginated list answers a malformed cursor with 400 problem+json naming querystring.cursor', () => {
  let sys: TestSystem;
  let admin: TestUser;
  beforeAll(async () => {
    sys = await startTestSystem();
    admin = await sys.user('cursor-admin', ['admin'], [sys.wh1, sys.wh2]);
  });
  afterAll(async () => sys?.close());

  const lists = (wh: string) => [
    `/orders?`,
    `/connectors?`,
    `/intake/dead-letters?`,
    `/webhook-subscriptions?`,
    `/outbound-deliveries?`,
    `/dead-letters?`,
    `/audit?`,
    `/warehouses/${wh}/tasks?`,
    `/warehouses/${wh}/waves?`,
    `/warehouses/${wh}/locations?`,
    `/route-plans?warehouseId=${wh}&`,
    `/vehicles?warehouseId=${wh}&`,
    `/shipments?warehouseId=${wh}&`,
    `/counts?warehouseId=${wh}&`,
    `/catalog/skus?`,
    `/stock/balances?warehouseId=${wh}&`,
    `/stock/by-sku?warehouseId=${wh}&`,
    `/stock/movements?warehouseId=${wh}&`,
    `/stock/low?warehouseId=${wh}&`,
    `/stock/near-expiry?warehouseId=${wh}&until=2030-01-01&`,
    `/stock/holds?`,
    `/inbound/suppliers?`,
    `/inbound/asns?warehouseId=${wh}&`,
    `/inbound/appointments?warehouseId=${wh}&`,
  ];

  it('for each list and each kind of bad cursor', async () => {
    const bad = ['not-a-cursor', encodeCursor(['x', 'y', 'z', 'w']), encodeCursor([{}]), 'e30'];
    const failures: string[] = [];
    for (const path of lists(sys.wh1)) {
      const ok = await http('GET', `${sys.url}/v1${path}limit=1`, { token: admin.token });
      if (ok.status !== 200) {
        failures.push(`${path} without cursor: ${ok.status} ${ok.text.slice(0, 200)}`);
        continue;
      }
      for (const c of bad) {
        const r = await http('GET', `${sys.url}/v1${path}limit=1&cursor=${c}`, { token: admin.token });
        if (
          r.status !== 400 ||
          !r.headers.get('content-type')?.includes('application/problem+json') ||
          r.body?.errors?.[0]?.path !== 'querystring.cursor'
        )
          failures.push(`${path} cursor=${c}: ${r.status} ${r.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
