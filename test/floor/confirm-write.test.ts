/**
 * The scan-confirm's write (domain/picking/pick-confirm.ts): the checks run on a read without row locks, and the one
 * write statement, outside any transaction, reads again under its locks and writes only if nothing the checks decided
 * on has changed; a guard that fails inside it undoes everything it wrote.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { planWave } from '../../domain/picking/wave-planning.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { buildFloor, itemScanFor, type FloorFixture } from './fixture.js';
import { bulkUsers, eventually, type BulkUser } from './support.js';
import type { CountRow } from '../../domain/shared/rows.js';
import type { TaskLineRow } from '../../domain/tasks/entities/task-line.entity.js';
import type { StockReservationRow } from '../../domain/inventory/entities/stock-reservation.entity.js';

let sys: TestSystem;
let app: FastifyInstance;
let fx: FloorFixture;
let pickers: BulkUser[];

beforeAll(async () => {
  sys = await startTestSystem();
  fx = await withTx(sys.rt.orm.em, (tx) => buildFloor(tx, sys.wh1, { orders: 16, skus: 12, seed: 11 }));
  await withTx(sys.rt.orm.em, (tx) =>
    planWave(tx, null, sys.wh1, { pickMode: 'batch', cartSlots: 4, maxOrders: 100, release: true }, systemClock),
  );
  pickers = await bulkUsers(sys, 'cwpick', 3, ['picker']);
  app = await buildApp(sys.rt);
  await app.ready();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sys?.close();
});

async function post(token: string, url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: body as object });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

/** A claimed task and the body that confirms its first open line. */
async function claimFirstLine(p: BulkUser, tote: string) {
  const claim = await post(p.token, '/v1/tasks/claim', { warehouseId: sys.wh1, types: ['pick'], deviceId: `HH-${p.username}` });
  expect(claim.status).toBe(200);
  const task = claim.body;
  const line = task.lines.find((l: { status: string }) => l.status === 'open');
  const sku = fx.skus.find((s) => s.id === line.skuId)!;
  const body = { locationScan: line.locationCode, itemScan: itemScanFor(sku, line.lot), qty: line.qty - line.qtyPicked, toteScan: tote };
  return { task, line, body, url: `/v1/tasks/${task.id}/lines/${line.id}/confirm` };
}

/** What a line's confirm wrote: the line, its reservation, the tote and label of that code, pick movements and task events. */
async function written(taskId: string, lineId: string, tote: string) {
  const em = sys.rt.orm.em.fork();
  const line = await sqlOne<Pick<TaskLineRow, 'status' | 'qty_picked' | 'reservation_id'>>(
    em,
    'select status, qty_picked, reservation_id from task_line where id = ?',
    [lineId],
  );
  const res = await sqlOne<Pick<StockReservationRow, 'status' | 'consumed_qty'>>(
    em,
    'select status, consumed_qty from stock_reservation where id = ?',
    [line!.reservation_id],
  );
  const count = async (q: string, params: unknown[]) => (await sqlOne<CountRow>(em, q, params))!.n;
  return {
    line: { status: line!.status, qtyPicked: line!.qty_picked },
    reservation: res,
    totes: await count('select count(*)::int as n from tote where code = ?', [tote]),
    labels: await count('select count(*)::int as n from license_plate where code = ?', [tote]),
    movements: await count(
      `select count(*)::int as n from stock_movement where type = 'pick' and to_lpn_id in (select id from license_plate where code = ?)`,
      [tote],
    ),
    events: await count(
      `select count(*)::int as n from outbox where payload->>'taskId' = ? and type in ('task.line_picked', 'task.started')`,
      [taskId],
    ),
  };
}

describe('scan-confirm write', () => {
  it('decides again when the line changed between its read and its write, and writes nothing on the stale decision', async () => {
    const { task, line, body, url } = await claimFirstLine(pickers[0]!, 'CW-STALE-1');
    const before = await written(task.id, line.id, 'CW-STALE-1');
    // A supervisor's transaction closes the line as short, holding the task's lock (task first, as every task writer).
    const other = new pg.Client({ connectionString: sys.config.DATABASE_URL });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select 1 from task where id = $1 for update', [task.id]);
      await other.query(`update task_line set status = 'short', qty_short = qty - qty_picked where id = $1`, [line.id]);
      // The confirm reads (no lock: it sees the line open), decides, and its write waits for the task's lock.
      const confirm = post(pickers[0]!.token, url, body);
      const waited = await waitForLockWait(other);
      expect(waited).toBe(true);
      await other.query('commit');
      const r = await confirm;
      // Its write read the line again under the lock, found it closed, wrote nothing; the confirm decided again.
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.type).toContain('line-closed');
    } finally {
      await other.end();
    }
    const after = await written(task.id, line.id, 'CW-STALE-1');
    expect(after.line).toEqual({ status: 'short', qtyPicked: 0 });
    expect(after.reservation).toEqual(before.reservation);
    expect({ ...after, line: null }).toEqual({ ...before, line: null });
  });

  it('carries a task on without writing any of its indexes: a scan that neither starts nor finishes it is a HOT update', async () => {
    const p = pickers[2]!;
    const stats = () =>
      sqlOne<TaskUpdateStatsRow>(
        sys.rt.orm.em.fork(),
        `select n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables where relid = 'task'::regclass`,
      ).then((r) => r!);
    const s0 = await stats();
    const first = await claimFirstLine(p, 'CW-HOT-1');
    expect(first.task.lines.length).toBeGreaterThanOrEqual(3);
    // The claim and the first scan move the task's status (an indexed predicate): never HOT. Counted once flushed.
    const started = await post(p.token, first.url, first.body);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const s1 = await eventually(stats, (s) => s.upd >= s0.upd + 2);
    const next = first.task.lines.find((l: { id: string; status: string }) => l.status === 'open' && l.id !== first.line.id);
    const sku = fx.skus.find((s) => s.id === next.skuId)!;
    const r = await post(p.token, `/v1/tasks/${first.task.id}/lines/${next.id}/confirm`, {
      locationScan: next.locationCode,
      itemScan: itemScanFor(sku, next.lot),
      qty: next.qty - next.qtyPicked,
      toteScan: next.orderId === first.line.orderId ? 'CW-HOT-1' : 'CW-HOT-2',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status).toBe('in_progress');
    // The lease, the quantity done and updated_at moved; no index holds any of them.
    const s2 = await eventually(stats, (s) => s.upd >= s1.upd + 1);
    expect(s2.hot - s1.hot).toBe(s2.upd - s1.upd);
  });

  it('undoes everything the write statement wrote when the balance guard fails, and answers insufficient stock', async () => {
    const { task, line, body, url } = await claimFirstLine(pickers[1]!, 'CW-GUARD-1');
    const before = await written(task.id, line.id, 'CW-GUARD-1');
    expect(before.line.status).toBe('open');
    // The balance loses its stock behind the reservation's back (a count, a ledger bug): the debit's guard must fail.
    await sql(
      sys.rt.orm.em.fork(),
      'update stock_balance set on_hand = 0, reserved = 0 where id = (select balance_id from stock_reservation where id = ?)',
      [await reservationOf(line.id)],
    );
    const r = await post(pickers[1]!.token, url, body);
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.type).toContain('insufficient-stock');
    expect(r.body.detail).toContain(line.locationCode);
    // The tote, its label, the reservation, the line, the movement and the events the statement wrote before the
    // guard were all undone with it.
    expect(await written(task.id, line.id, 'CW-GUARD-1')).toEqual(before);
    // The task is still the picker's, and a confirm with stock goes through.
    await sql(
      sys.rt.orm.em.fork(),
      'update stock_balance set on_hand = 1000, reserved = (select qty - consumed_qty from stock_reservation where id = ?) where id = (select balance_id from stock_reservation where id = ?)',
      [await reservationOf(line.id), await reservationOf(line.id)],
    );
    const ok = await post(pickers[1]!.token, url, body);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const done = await written(task.id, line.id, 'CW-GUARD-1');
    expect(done.movements).toBe(1);
    expect(done.totes).toBe(1);
  });
});

/** The task table's update counters (all, and HOT: heap-only, no index written). */
type TaskUpdateStatsRow = { upd: number; hot: number };

async function reservationOf(lineId: string): Promise<string> {
  return (await sqlOne<Pick<TaskLineRow, 'reservation_id'>>(sys.rt.orm.em.fork(), 'select reservation_id from task_line where id = ?', [
    lineId,
  ]))!.reservation_id!;
}

/** Polls until some backend waits on a lock held by `holder` (true), or 10 s pass (false). */
async function waitForLockWait(holder: pg.Client): Promise<boolean> {
  const pid = (await holder.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const w = await sqlOne<CountRow>(
      sys.rt.orm.em.fork(),
      'select count(*)::int as n from pg_stat_activity where ? = any(pg_blocking_pids(pid))',
      [pid],
    );
    if (w!.n > 0) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
