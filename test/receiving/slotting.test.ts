import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { scheduledJobs } from '../../workers/schedules.js';
import { buildFloor, type FloorFixture } from '../floor/fixture.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

import type { CountRow, IdRow } from '../../domain/shared/rows.js';
import type { LocationRow } from '../../domain/layout/entities/location.entity.js';
import type { SkuVelocityRow } from '../../domain/slotting/entities/sku-velocity.entity.js';
import type { PickFaceRow } from '../../domain/slotting/entities/pick-face.entity.js';
import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';
import type { SlottingRunRow } from '../../domain/slotting/entities/slotting-run.entity.js';

type FaceAtRow = Pick<PickFaceRow, 'sku_id'> & { code: string };
type StockAtRow = Pick<StockBalanceRow, 'sku_id' | 'on_hand'> & { code: string };
/**
 * Slotting end to end with the workers running: pick history → velocity run (API and nightly job) →
 * `slotting.velocity_computed` → re-slotting proposals → approval → move tasks in an order that never
 * waits → handheld confirmations through the ledger, the pick faces changing hands.
 */
let sys: TestSystem;
let fx: FloorFixture;
let sup: TestUser;
let picker: TestUser;
let receiver: TestUser;
const loc: Record<string, string> = {};
const api = (method: string, path: string, token: string, body?: unknown) => http(method, `${sys.url}/v1${path}`, { token, body });

async function settled() {
  for (;;) {
    const pending = await sqlOne<CountRow>(
      sys.rt.orm.em.fork(),
      `select count(*)::int as n from outbox where seq is null or relayed_at is null`,
    );
    let busy = 0;
    // (Delayed jobs are left out: the nightly scheduler always holds its next run as one.)
    for (const q of ['slotting', 'replenishment'] as const) {
      const c = await sys.rt.queues.get(q).getJobCounts('waiting', 'active', 'prioritized');
      busy += c.waiting + c.active + c.prioritized;
    }
    if (pending!.n === 0 && busy === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  // 12 SKUs, one pick face each (A-01 … A-10, B-01, B-02; bay 01 nearest the pack station), reserve behind each.
  fx = await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { skus: 12, orders: 0, seed: 4, prefix: 'SL' }));
  sup = await sys.user('sup-slot', ['supervisor'], [sys.wh1]);
  picker = await sys.user('pick-slot', ['picker'], [sys.wh1]);
  receiver = await sys.user('rcv-slot', ['receiver'], [sys.wh1]);
  const em = sys.rt.orm.em.fork();
  for (const r of await sql<Pick<LocationRow, 'id' | 'code'>>(em, 'select id, code from location where warehouse_id = ?', [sys.wh1]))
    loc[r.code] = r.id;
  // An empty reserve location: the buffer a swap needs.
  loc['BUF-01'] = (await sqlOne<IdRow>(
    em,
    `insert into location (warehouse_id, code, type, x_mm, y_mm) values (?, 'BUF-01', 'reserve', 8000, 3000) returning id`,
    [sys.wh1],
  ))!.id;
  for (let i = 0; i < 12; i++) {
    const code = `${i < 10 ? 'A' : 'B'}-${String((i % 10) + 1).padStart(2, '0')}-01-01`;
    const r = await api('PUT', `/warehouses/${sys.wh1}/pick-faces/${loc[code]}`, sup.token, {
      skuId: fx.skus[i]!.id,
      minQty: 5,
      maxQty: 400,
    });
    expect(r.status, r.text).toBe(200);
  }
}, 120_000);
afterAll(async () => sys?.close());

const pick = (sku: number, face: string, times: number) =>
  Promise.all(
    Array.from({ length: times }, () =>
      api('POST', '/stock/movements', picker.token, {
        warehouseId: sys.wh1,
        type: 'pick',
        skuId: fx.skus[sku]!.id,
        qty: 1,
        from: { locationId: loc[face] },
      }),
    ),
  );

describe('slotting', () => {
  let runId: string;

  it('computes velocity from pick history (ABC by picks, cube-per-order index) and proposes re-slotting from the event', async () => {
    // SKU 9 sits at the far end and is picked 30 times; SKU 0 sits nearest and is picked once.
    expect((await pick(9, 'A-10-01-01', 30)).every((r) => r.status === 201)).toBe(true);
    expect((await pick(0, 'A-01-01-01', 1))[0]!.status).toBe(201);
    await settled();
    const denied = await api('POST', '/slotting/velocity-runs', picker.token, { warehouseId: sys.wh1 });
    expect(denied.status).toBe(403);
    const bad = await api('POST', '/slotting/velocity-runs', sup.token, { warehouseId: sys.wh1, windowDays: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.windowDays');
    const v = await api('POST', '/slotting/velocity-runs', sup.token, { warehouseId: sys.wh1 });
    expect(v.status, v.text).toBe(201);
    expect(v.body).toMatchObject({ picks: 31, a: 1, skus: 12 });
    const list = await api('GET', `/slotting/velocity?warehouseId=${sys.wh1}&limit=2`, picker.token);
    expect(list.body.items.map((i: any) => [i.sku, i.velocityClass, i.rank, i.picks])).toEqual([
      [fx.skus[9]!.code, 'A', 1, 30],
      [fx.skus[0]!.code, 'C', 2, 1], // 30 of 31 picks come before it: past the 95 % line
    ]);
    expect(list.body.items[0].cubePerOrderIndex).toBeGreaterThan(0);
    const next = await api('GET', `/slotting/velocity?warehouseId=${sys.wh1}&limit=2&cursor=${list.body.nextCursor}`, picker.token);
    expect(next.body.items[0].rank).toBe(3);

    // The event reached the slotting queue, which proposed a re-slotting from these figures.
    await settled();
    const auto = await sqlOne<IdRow>(
      sys.rt.orm.em.fork(),
      `select id from slotting_run where warehouse_id = ? and kind = 'reslot' and summary->>'velocityRunId' = ?`,
      [sys.wh1, v.body.runId],
    );
    expect(auto).toBeTruthy();
    // Putaway now sees the computed class.
    const cls = await sqlOne<Pick<SkuVelocityRow, 'velocity_class'>>(
      sys.rt.orm.em.fork(),
      'select velocity_class from sku_velocity where sku_id = ?',
      [fx.skus[9]!.id],
    );
    expect(cls!.velocity_class).toBe('A');
  });

  it('proposes moving the fast mover to the nearest face, through a buffer because the two faces swap', async () => {
    const r = await api('POST', '/slotting/reslot-runs', sup.token, { warehouseId: sys.wh1, minSavingMPerWeek: 1 });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ proposals: 2, moves: 3, bufferMoves: 1 });
    // Replayed on the pick-path model: the 31 picked "orders" walk less once SKU 9 sits at the front.
    expect(r.body.measured.orders).toBe(31);
    expect(r.body.measured.afterMPerWeek).toBeLessThan(r.body.measured.beforeMPerWeek * 0.5);
    runId = r.body.runId;
    const run = await api('GET', `/slotting/reslot-runs/${runId}`, sup.token);
    expect(run.status).toBe(200);
    const [fast, slow] = run.body.proposals;
    expect(fast).toMatchObject({ sku: fx.skus[9]!.code, kind: 'relocate', from: 'A-10-01-01', to: 'A-01-01-01', status: 'proposed' });
    expect(fast.estSavedMPerWeek).toBeGreaterThan(0);
    expect(slow).toMatchObject({ sku: fx.skus[0]!.code, from: 'A-01-01-01', to: 'A-10-01-01' });
    expect(slow.moves.map((m: any) => [m.kind, m.from, m.to])).toEqual([
      ['to_buffer', 'A-01-01-01', 'BUF-01'],
      ['from_buffer', 'BUF-01', 'A-10-01-01'],
    ]);
    // The proposals of the run made from the event are superseded: approving them is refused.
    const old = await sqlOne<IdRow>(
      sys.rt.orm.em.fork(),
      `select id from slotting_run where warehouse_id = ? and kind = 'reslot' and id <> ? order by created_at desc limit 1`,
      [sys.wh1, runId],
    );
    const stale = await api('POST', `/slotting/reslot-runs/${old!.id}/approve`, sup.token, {});
    expect(stale.status).toBe(409);
    expect(stale.body.type).toContain('reslot-run-stale');
  });

  it('approving creates move tasks through the task engine, each released when its destination is free; the handheld confirms by scan', async () => {
    const notOurs = await api('POST', `/slotting/reslot-runs/${runId}/approve`, sup.token, { skuIds: [fx.skus[3]!.id] });
    expect(notOurs.status).toBe(422);
    expect(notOurs.body.errors[0].path).toBe('body.skuIds');
    // Approving the fast mover alone brings in the slow one it waits on. Eight supervisors' taps racing: one task.
    const race = await Promise.all(
      Array.from({ length: 8 }, () => api('POST', `/slotting/reslot-runs/${runId}/approve`, sup.token, { skuIds: [fx.skus[9]!.id] })),
    );
    expect(race.map((r) => r.status)).toEqual(Array(8).fill(200));
    for (const r of race) expect(r.body.alsoApproved).toEqual([fx.skus[0]!.id]);
    // Only the park-in-buffer move can start now, and exactly one of the racing calls released it.
    expect(race.flatMap((r) => r.body.taskIds)).toHaveLength(1);
    const moveTasks = await sql(sys.rt.orm.em.fork(), `select 1 from task where type = 'move' and warehouse_id = ?`, [sys.wh1]);
    expect(moveTasks).toHaveLength(1);

    const walk: string[] = [];
    for (let step = 0; step < 3; step++) {
      const c = await api('POST', '/tasks/claim', receiver.token, { warehouseId: sys.wh1, types: ['move'] });
      expect(c.status, c.text).toBe(200);
      const to = Object.entries(loc).find(([, id]) => id === c.body.toLocationId)![0];
      if (step === 0) {
        const wrong = await api('POST', `/slotting/moves/${c.body.id}/confirm`, receiver.token, { locationScan: 'A-05-01-01' });
        expect(wrong.status).toBe(422);
        expect(wrong.headers.get('content-type')).toContain('application/problem+json');
        expect(wrong.body.type).toContain('wrong-location');
        expect(wrong.body.errors[0].path).toBe('body.locationScan');
      }
      const done = await api('POST', `/slotting/moves/${c.body.id}/confirm`, receiver.token, { locationScan: to });
      expect(done.status, done.text).toBe(200);
      expect(done.body.status).toBe('done');
      walk.push(to);
    }
    expect(walk).toEqual(['BUF-01', 'A-01-01-01', 'A-10-01-01']);
    expect((await api('POST', '/tasks/claim', receiver.token, { warehouseId: sys.wh1, types: ['move'] })).status).toBe(204);

    const em = sys.rt.orm.em.fork();
    const faces = await sql<FaceAtRow>(
      em,
      `select l.code, pf.sku_id from pick_face pf join location l on l.id = pf.location_id where l.code in ('A-01-01-01', 'A-10-01-01') order by l.code`,
    );
    expect(faces).toEqual([
      { code: 'A-01-01-01', sku_id: fx.skus[9]!.id },
      { code: 'A-10-01-01', sku_id: fx.skus[0]!.id },
    ]);
    const stock = await sql<StockAtRow>(
      em,
      `select l.code, b.sku_id, b.on_hand from stock_balance b join location l on l.id = b.location_id
      where l.code in ('A-01-01-01', 'A-10-01-01', 'BUF-01') and b.on_hand > 0 order by l.code`,
    );
    expect(stock).toEqual([
      { code: 'A-01-01-01', sku_id: fx.skus[9]!.id, on_hand: 270 },
      { code: 'A-10-01-01', sku_id: fx.skus[0]!.id, on_hand: 299 },
    ]);
    const run = await api('GET', `/slotting/reslot-runs/${runId}`, sup.token);
    expect(run.body.proposals.map((p: any) => p.status)).toEqual(['done', 'done']);
    expect(await ledgerMismatches(em, sys.wh1)).toEqual([]);
  });

  it('runs nightly as a scheduled job (rebuilt by the reconciler) for every warehouse whose velocity is stale', async () => {
    const job = scheduledJobs().find((j) => j.queue === 'slotting');
    expect(job).toMatchObject({ id: 'nightly-velocity', pattern: '30 2 * * *', data: { kind: 'nightly' } });
    await sys.rt.queues.add('slotting', { kind: 'nightly' });
    await settled();
    const runs = await sql<Pick<SlottingRunRow, 'warehouse_id'> & CountRow>(
      sys.rt.orm.em.fork(),
      `select warehouse_id, count(*)::int as n from slotting_run where kind = 'velocity' group by warehouse_id`,
    );
    // wh1 was computed minutes ago (left alone); wh2 had never been.
    expect(new Map(runs.map((r) => [r.warehouse_id, r.n]))).toEqual(
      new Map([
        [sys.wh1, 1],
        [sys.wh2, 1],
      ]),
    );
  });
});
