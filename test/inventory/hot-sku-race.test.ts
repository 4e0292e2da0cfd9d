/**
 * The flash-sale race of issue 19 over HTTP against PostgreSQL: 200 concurrent reservations of one SKU,
 * then 60 moves and 60 reservations of it racing. Reservations and moves run as one ledger call outside
 * any transaction (grouped into ledger_batch calls by the API process): this checks the invariants of
 * that path, not its speed (bench/ledger measures the speed): exactly the available stock reserved,
 * balances equal to the ledger, one outbox event per effect (valid against the catalogue), and
 * Idempotency-Keys marked applied in the same call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { eventSchemas } from '../../domain/events/catalogue.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { makeLocation, makeSku } from './fixtures.js';

import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';
import type { OutboxRow } from '../../domain/events/entities/outbox.entity.js';

type EventRow = Pick<OutboxRow, 'type'> & { payload: Record<string, unknown> };
let sys: TestSystem;
let picker: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  picker = await sys.user('picker-hot', ['picker', 'receiver'], [sys.wh1]);
});
afterAll(async () => sys?.close());

describe('hot SKU race over HTTP', () => {
  it('200 reservations, then 60 moves and 60 reservations racing: exact counts, ledger = balances, one valid event each', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const locs = await Promise.all([0, 1, 2, 3].map(() => makeLocation(em, sys.wh1)));
    // 50 reservable units in the first two locations (FIFO), and two big balances the moves shuttle between.
    for (const [i, qty] of [30, 20, 5000, 5000].entries()) {
      const r = await http('POST', `${sys.url}/v1/stock/movements`, {
        token: picker.token,
        body: { warehouseId: sys.wh1, type: 'receipt', reasonCode: 'initial-stock', skuId: sku.id, qty, to: { locationId: locs[i]!.id } },
      });
      expect(r.status, r.text).toBe(201);
    }
    const reserveReq = (ref: string, extra: Record<string, string> = {}) =>
      http('POST', `${sys.url}/v1/stock/reservations`, {
        token: picker.token,
        headers: extra,
        body: { warehouseId: sys.wh1, skuId: sku.id, qty: 1, refType: 'order_line', refId: ref },
      });
    // Phase 1 as in the issue: 50 reservable units (the two big balances are under a location hold), 200 racing.
    const holds = await sql<IdRow>(
      em,
      `insert into stock_hold (warehouse_id, sku_id, location_id, reason) select ?, ?, unnest(?::uuid[]), 'test' returning id`,
      [sys.wh1, sku.id, `{${locs[2]!.id},${locs[3]!.id}}`],
    );
    const first = await Promise.all(Array.from({ length: 200 }, (_, i) => reserveReq(`a-${i}`, { 'idempotency-key': `hot-a-${i}` })));
    expect(first.filter((r) => r.status === 201)).toHaveLength(50);
    expect(first.filter((r) => r.status === 409)).toHaveLength(150);
    await sql(em, 'update stock_hold set active = false where id = any(?::uuid[])', [`{${holds.map((h) => h.id).join(',')}}`]);

    // Phase 2: 60 moves between the big balances and 60 reservations drawing from the first of them.
    const moves = Array.from({ length: 60 }, (_, i) =>
      http('POST', `${sys.url}/v1/stock/movements`, {
        token: picker.token,
        body: {
          warehouseId: sys.wh1,
          type: 'move',
          skuId: sku.id,
          qty: 1,
          from: { locationId: locs[2 + (i % 2)]!.id },
          to: { locationId: locs[3 - (i % 2)]!.id },
        },
      }),
    );
    const second = Array.from({ length: 60 }, (_, i) => reserveReq(`b-${i}`));
    const [m, s] = await Promise.all([Promise.all(moves), Promise.all(second)]);
    expect(m.map((r) => r.status)).toEqual(Array(60).fill(201));
    expect(s.map((r) => r.status)).toEqual(Array(60).fill(201));

    const reservedOk = [...first, ...s].filter((r) => r.status === 201);
    const ids = reservedOk.flatMap((r) => (r.body.reservations as { id: string }[]).map((x) => x.id));
    expect(new Set(ids).size).toBe(ids.length);
    const totals = await sqlOne<Pick<StockBalanceRow, 'reserved' | 'on_hand'> & CountRow>(
      em,
      `select sum(reserved)::int as reserved, sum(on_hand)::int as on_hand,
        (select count(*)::int from stock_reservation where sku_id = ? and status = 'pending') as n from stock_balance where sku_id = ?`,
      [sku.id, sku.id],
    );
    expect(totals).toEqual({ reserved: ids.length, on_hand: 10_050, n: ids.length });
    expect(await ledgerMismatches(em, sys.wh1)).toEqual([]);

    // One outbox event per reservation and per move, each valid against the catalogue.
    const events = await sql<EventRow>(
      em,
      `select type, payload from outbox where type in ('stock.reserved', 'stock.moved') and payload->>'skuId' = ?`,
      [sku.id],
    );
    const reservedEvents = events.filter((e) => e.type === 'stock.reserved');
    expect(reservedEvents.flatMap((e) => e.payload.reservationIds as string[]).sort()).toEqual([...ids].sort());
    expect(events.filter((e) => e.type === 'stock.moved' && e.payload.type === 'move')).toHaveLength(60);
    for (const e of events) eventSchemas[e.type as 'stock.moved'].parse(e.payload);

    // The Idempotency-Key of every applied reservation was marked in the same call, and a retry replays.
    const marked = await sqlOne<CountRow>(
      em,
      `select count(*)::int as n from idempotency_key where key like 'hot-a-%' and applied_at is not null`,
    );
    expect(marked!.n).toBe(50);
    const okIdx = first.findIndex((r) => r.status === 201);
    const again = await reserveReq(`a-${okIdx}`, { 'idempotency-key': `hot-a-${okIdx}` });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first[okIdx]!.body);
  });
});
