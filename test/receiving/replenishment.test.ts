import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReplenishment } from '../../domain/slotting/replenishment.service.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { TaskRow } from '../../domain/tasks/entities/task.entity.js';
import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';

type ReplenishTaskRow = Pick<TaskRow, 'priority'> & { details: any };
let sys: TestSystem;
let sup: TestUser;
let picker: TestUser;
const loc: Record<string, string> = {};
let skuId: string;
const api = (method: string, path: string, token: string, body?: unknown) => http(method, `${sys.url}/v1${path}`, { token, body });

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  sup = await sys.user('sup-repl', ['supervisor'], [sys.wh1]);
  picker = await sys.user('pick-repl', ['picker'], [sys.wh1]);
  const em = sys.rt.orm.em.fork();
  for (const [code, type] of [
    ['PF-R1', 'pick_face'],
    ['RS-LATE', 'reserve'],
    ['RS-EARLY', 'reserve'],
  ])
    loc[code] = (await sqlOne<IdRow>(em, 'insert into location (warehouse_id, code, type) values (?, ?, ?) returning id', [
      sys.wh1,
      code,
      type,
    ]))!.id;
  skuId = (await sqlOne<IdRow>(
    em,
    `insert into sku (code, name, track_lot, track_expiry) values ('REPL-1', 'Repl', true, true) returning id`,
  ))!.id;
  const receipt = (locationId: string, lot: string, expiry: string, qty: number) =>
    api('POST', '/stock/movements', sup.token, {
      warehouseId: sys.wh1,
      type: 'receipt',
      reasonCode: 'initial-stock',
      skuId,
      qty,
      to: { locationId, lot, expiry },
    });
  expect((await receipt(loc['PF-R1']!, 'F', '2027-03-01', 25)).status).toBe(201);
  await receipt(loc['RS-LATE']!, 'LATE', '2027-12-01', 100);
  await receipt(loc['RS-EARLY']!, 'EARLY', '2027-06-01', 100);
  const face = await api('PUT', `/warehouses/${sys.wh1}/pick-faces/${loc['PF-R1']}`, sup.token, { skuId, minQty: 10, maxQty: 50 });
  expect(face.status, face.text).toBe(200);
});
afterAll(async () => sys?.close());

/** Until every stock.moved event is relayed and the replenishment queue has nothing left to do. */
async function settled() {
  const q = sys.rt.queues.get('replenishment');
  for (;;) {
    const pending = await sqlOne<CountRow>(
      sys.rt.orm.em.fork(),
      `select count(*)::int as n from outbox where warehouse_id = ? and (seq is null or relayed_at is null)`,
      [sys.wh1],
    );
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (pending!.n === 0 && c.waiting + c.active + c.delayed + c.prioritized === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('replenishment', () => {
  it('20 concurrent picks crossing the min raise exactly one FEFO replenish task, announced live', async () => {
    const picks = await Promise.all(
      Array.from({ length: 20 }, () =>
        api('POST', '/stock/movements', picker.token, {
          warehouseId: sys.wh1,
          type: 'pick',
          skuId,
          qty: 1,
          from: { locationId: loc['PF-R1'], lot: 'F', expiry: '2027-03-01' },
        }),
      ),
    );
    expect(picks.map((p) => p.status)).toEqual(Array(20).fill(201));
    await settled();
    const em = sys.rt.orm.em.fork();
    const tasks = await sql<Pick<TaskRow, 'id' | 'from_location_id' | 'qty' | 'lot' | 'priority'>>(
      em,
      `select id, from_location_id, qty, lot, priority from task where type = 'replenish' and to_location_id = ?`,
      [loc['PF-R1']],
    );
    expect(tasks).toHaveLength(1);
    // From the earliest expiry; up to max from what the face held when it crossed min (9 … 5 units left).
    expect(tasks[0]).toMatchObject({ from_location_id: loc['RS-EARLY'], lot: 'EARLY' });
    const brought = tasks[0]!.qty;
    expect(brought).toBeGreaterThanOrEqual(41);
    expect(brought).toBeLessThanOrEqual(45);
    const ev = await sql(em, `select payload from outbox where type = 'replenishment.requested'`);
    expect(ev).toHaveLength(1);

    // The replenisher brings it: a wrong scan is refused, the face scan moves stock through the ledger.
    const claim = await api('POST', '/tasks/claim', picker.token, { warehouseId: sys.wh1, types: ['replenish'] });
    expect(claim.body.id).toBe(tasks[0]!.id);
    const wrong = await api('POST', `/replenishment/tasks/${claim.body.id}/confirm`, picker.token, { locationScan: 'RS-LATE' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.type).toContain('wrong-location');
    const ok = await api('POST', `/replenishment/tasks/${claim.body.id}/confirm`, picker.token, { locationScan: 'PF-R1' });
    expect(ok.status, ok.text).toBe(200);
    const face = await sql<Pick<StockBalanceRow, 'lot' | 'on_hand'>>(
      em,
      'select lot, on_hand from stock_balance where location_id = ? and on_hand > 0 order by lot',
      [loc['PF-R1']],
    );
    expect(face).toEqual([
      { lot: 'EARLY', on_hand: brought },
      { lot: 'F', on_hand: 5 },
    ]);
    await settled();
    expect((await sql(em, `select 1 from task where type = 'replenish' and status = 'open'`)).length).toBe(0);
  });

  it('a short pick raises an emergency replenishment even above min, once', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(() =>
        withTx(sys.rt.orm.em, (tx) =>
          checkReplenishment(tx, { warehouseId: sys.wh1, locationId: loc['PF-R1']!, skuId, reason: 'short_pick' }),
        ),
      ),
    );
    expect(ids.filter(Boolean)).toHaveLength(1);
    const [t] = await sql<ReplenishTaskRow>(
      sys.rt.orm.em.fork(),
      `select priority, details from task where type = 'replenish' and status = 'open'`,
    );
    expect(t).toMatchObject({ priority: 300, details: expect.objectContaining({ emergency: true, reason: 'short_pick' }) });
  });

  it('suggests a purchase from order history (JSON and CSV)', async () => {
    const em = sys.rt.orm.em.fork();
    for (let w = 1; w <= 30; w++) {
      const o = await sqlOne<IdRow>(
        em,
        `insert into sales_order (warehouse_id, external_id, source, currency, created_at) values (?, ?, 'api', 'EUR', now() - make_interval(days => ?)) returning id`,
        [sys.wh1, `PS-${w}`, w * 7 - 3],
      );
      await sql(em, `insert into order_line (order_id, line_no, sku_id, qty) values (?, 1, ?, 40)`, [o!.id, skuId]);
    }
    const r = await api('GET', `/purchasing/suggestions?warehouseId=${sys.wh1}&serviceLevel=0.95`, sup.token);
    expect(r.status, r.text).toBe(200);
    const s = r.body.items.find((i: any) => i.sku === 'REPL-1');
    expect(s.forecastPerWeek).toBeGreaterThan(10);
    expect(s.reorderPoint).toBeGreaterThan(s.safetyStock);
    expect(s.suggestedQty).toBe(s.onHand + s.onOrder <= s.reorderPoint ? s.orderUpTo - s.onHand - s.onOrder : 0);
    const csv = await fetch(`${sys.url}/v1/purchasing/suggestions?warehouseId=${sys.wh1}&format=csv`, {
      headers: { authorization: `Bearer ${sup.token}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[1]).toContain('REPL-1');
  });
});
