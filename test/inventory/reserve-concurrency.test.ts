import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { makeLocation, makeSku } from './fixtures.js';

import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';
import type { CountRow } from '../../domain/shared/rows.js';
let sys: TestSystem;
let picker: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  picker = await sys.user('picker-race', ['picker', 'receiver'], [sys.wh1]);
});
afterAll(async () => sys?.close());

/** Receives stock through the API, as a receiver's handheld does. */
async function receipt(skuId: string, locationId: string, qty: number): Promise<void> {
  const r = await http('POST', `${sys.url}/v1/stock/movements`, {
    token: picker.token,
    body: { warehouseId: sys.wh1, type: 'receipt', reasonCode: 'initial-stock', skuId, qty, to: { locationId } },
  });
  expect(r.status, r.text).toBe(201);
}

describe('concurrent reservations over HTTP', () => {
  it('200 racing requests for 1 unit each against 50 available: exactly 50 succeed, 150 get 409 insufficient-stock', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    // Stock spread over three locations so the allocator has to walk balances under contention.
    const locs = [await makeLocation(em, sys.wh1), await makeLocation(em, sys.wh1, { type: 'reserve' }), await makeLocation(em, sys.wh1)];
    for (const [i, qty] of [20, 25, 5].entries()) await receipt(sku.id, locs[i]!.id, qty);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        http('POST', `${sys.url}/v1/stock/reservations`, {
          token: picker.token,
          body: { warehouseId: sys.wh1, skuId: sku.id, qty: 1, refType: 'order_line', refId: `line-${i}` },
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const short = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(50);
    expect(short).toHaveLength(150);
    for (const r of short) {
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.type).toBe('https://dockside.dev/problems/insufficient-stock');
    }
    const totals = await sqlOne<Pick<StockBalanceRow, 'on_hand' | 'reserved'> & CountRow>(
      em,
      `select sum(on_hand)::int as on_hand, sum(reserved)::int as reserved,
      (select count(*)::int from stock_reservation where sku_id = ? and status = 'pending') as n from stock_balance where sku_id = ?`,
      [sku.id, sku.id],
    );
    expect(totals).toEqual({ on_hand: 50, reserved: 50, n: 50 });
    expect(await ledgerMismatches(em, sys.wh1)).toEqual([]);
    const avail = await http('GET', `${sys.url}/v1/stock/by-sku?warehouseId=${sys.wh1}&skuId=${sku.id}`, { token: picker.token });
    expect(avail.body.items[0]).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
  });

  it('a reservation refused for want of stock says how much there is (what the short plan found), and reserves nothing', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const locs = [await makeLocation(em, sys.wh1), await makeLocation(em, sys.wh1, { type: 'reserve' })];
    for (const [i, qty] of [4, 3].entries()) await receipt(sku.id, locs[i]!.id, qty);
    const one = await http('POST', `${sys.url}/v1/stock/reservations`, {
      token: picker.token,
      body: { warehouseId: sys.wh1, skuId: sku.id, qty: 2, refType: 'order_line', refId: 'short-1' },
    });
    expect(one.status, one.text).toBe(201);
    const short = await http('POST', `${sys.url}/v1/stock/reservations`, {
      token: picker.token,
      body: { warehouseId: sys.wh1, skuId: sku.id, qty: 9, refType: 'order_line', refId: 'short-2' },
    });
    expect(short.status, short.text).toBe(409);
    expect(short.body).toMatchObject({ available: 5, requested: 9 });
    expect(short.body.detail).toContain('has 5 available, 9 requested');
    const totals = await sqlOne<Pick<StockBalanceRow, 'reserved'>>(
      em,
      'select sum(reserved)::int as reserved from stock_balance where sku_id = ?',
      [sku.id],
    );
    expect(totals!.reserved).toBe(2);
  });
});
