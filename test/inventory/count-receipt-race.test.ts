/**
 * A cycle count submitted while a receipt into the same bin is still uncommitted. The count snapshots the expected
 * quantities serialized with the movements into the bin, so it must wait for the receipt and include it: the receipt's
 * movement comes first in the ledger, and the count's adjustment (counted − expected) must not add the received units
 * a second time. Two ways in: the receipt lands on a balance row that exists but is empty (an emptied bin; found by
 * ledger-model.test.ts, whose model replaying the ledger saw 14 where 7 were counted), or it creates a new row (a new
 * lot in the bin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import type { PostMovementCmd } from '../../domain/inventory/ledger.types.js';
import type { CountLineRow } from '../../domain/inventory/entities/count-line.entity.js';
import type { StockBalanceRow } from '../../domain/inventory/entities/stock-balance.entity.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';
import { count, waitFor } from '../orders/helpers.js';
import { makeLocation, makeSku } from './fixtures.js';

let sys: TestSystem;
let user: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  user = await sys.user('counter', ['supervisor'], [sys.wh1]);
});
afterAll(async () => sys?.close());

type CountedLine = { skuId: string; lot?: string; qty: number };

/** Backends of this test's database waiting for a lock. */
const lockWaiters = () =>
  count(sys, `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);

/**
 * Opens a count of `bin`, then holds `receipt` uncommitted, submits `lines` meanwhile, and commits the receipt once the
 * submit is waiting on a lock. Returns the count task's id after both finished.
 */
async function countDuringReceipt(bin: string, receipt: PostMovementCmd, lines: CountedLine[]): Promise<string> {
  const task = await http('POST', `${sys.url}/v1/counts`, {
    token: user.token,
    body: {
      warehouseId: sys.wh1,
      kind: 'location',
      locationIds: [bin],
      blind: true,
      varianceThresholdPct: 1000,
      varianceThresholdQty: 1000,
    },
  });
  expect(task.status, JSON.stringify(task.body)).toBe(201);
  const taskId = task.body.items[0].id as string;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let inside!: () => void;
  const received = new Promise<void>((r) => (inside = r));
  const receiving = withTx(sys.rt.orm.em, async (tx) => {
    await postMovement(tx, receipt);
    inside();
    await held;
  });
  await received;
  const before = await lockWaiters();
  const counting = http('POST', `${sys.url}/v1/counts/${taskId}/submit`, { token: user.token, body: { lines } });
  // Released either way, so a count that never waits fails below instead of leaving the receipt open.
  const waited = await waitFor(async () => (await lockWaiters()) > before, 'the count to wait', 5_000).catch(() => false);
  release();
  await receiving;
  const submitted = await counting;
  expect(submitted.status, JSON.stringify(submitted.body)).toBeLessThan(300);
  expect(waited, 'the count ran into the open receipt').toBe(true);
  return taskId;
}

async function countLines(taskId: string) {
  return sql<Pick<CountLineRow, 'lot' | 'expected_qty' | 'counted_qty'>>(
    sys.rt.orm.em.fork(),
    'select lot, expected_qty, counted_qty from count_line where task_id = ? order by lot',
    [taskId],
  );
}

async function onHand(bin: string, skuId: string): Promise<number> {
  const r = await sqlOne<Pick<StockBalanceRow, 'on_hand'>>(
    sys.rt.orm.em.fork(),
    `select coalesce(sum(on_hand), 0)::int as on_hand from stock_balance where location_id = ? and sku_id = ?`,
    [bin, skuId],
  );
  return r!.on_hand;
}

const adjustments = (taskId: string) =>
  count(sys, `select count(*) as n from stock_movement where type = 'count' and ref_id = ?`, [taskId]);

describe('count against an uncommitted receipt into the bin', () => {
  it('into an emptied bin: waits for the receipt and counts it once', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const bin = await makeLocation(em, sys.wh1);
    const other = await makeLocation(em, sys.wh1);
    const receipt = (qty: number): PostMovementCmd => ({
      warehouseId: sys.wh1,
      type: 'receipt',
      skuId: sku.id,
      qty,
      to: { locationId: bin.id },
      reasonCode: 'found',
    });
    // The bin had stock and was emptied: its balance row stays, with nothing on hand.
    await withTx(sys.rt.orm.em, (tx) => postMovement(tx, receipt(5)));
    await withTx(sys.rt.orm.em, (tx) =>
      postMovement(tx, {
        warehouseId: sys.wh1,
        type: 'move',
        skuId: sku.id,
        qty: 5,
        from: { locationId: bin.id },
        to: { locationId: other.id },
      }),
    );

    const taskId = await countDuringReceipt(bin.id, receipt(7), [{ skuId: sku.id, qty: 7 }]);
    // The counter saw the 7 that had arrived: expected 7, counted 7, no adjustment; the bin holds 7.
    expect(await countLines(taskId)).toEqual([{ lot: null, expected_qty: 7, counted_qty: 7 }]);
    expect(await onHand(bin.id, sku.id)).toBe(7);
    expect(await adjustments(taskId)).toBe(0);
  });

  it('of a new lot (a new balance row): waits for the receipt and counts it once', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em, { trackLot: true });
    const bin = await makeLocation(em, sys.wh1);
    const receipt = (lot: string, qty: number): PostMovementCmd => ({
      warehouseId: sys.wh1,
      type: 'receipt',
      skuId: sku.id,
      qty,
      to: { locationId: bin.id, lot },
      reasonCode: 'found',
    });
    await withTx(sys.rt.orm.em, (tx) => postMovement(tx, receipt('A', 5)));

    const taskId = await countDuringReceipt(bin.id, receipt('B', 7), [
      { skuId: sku.id, lot: 'A', qty: 5 },
      { skuId: sku.id, lot: 'B', qty: 7 },
    ]);
    expect(await countLines(taskId)).toEqual([
      { lot: 'A', expected_qty: 5, counted_qty: 5 },
      { lot: 'B', expected_qty: 7, counted_qty: 7 },
    ]);
    expect(await onHand(bin.id, sku.id)).toBe(12);
    expect(await adjustments(taskId)).toBe(0);
  });
});
