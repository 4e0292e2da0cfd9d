import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { allocateOrder } from '../../domain/orders/allocation.service.js';
import { allocateOrdersBatch } from '../../domain/orders/batch-allocation.service.js';
import { systemClock } from '../../domain/shared/clock.js';
import { mulberry32 } from '../../domain/shared/rng.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { makeLocation, makeSku } from '../inventory/fixtures.js';
import type { IdRow } from '../../domain/shared/rows.js';
import { count } from './helpers.js';

type OverRow = { sku_id: string; reserved: number; on_hand: number };

/**
 * The two allocators of a warehouse at once: a batch (intake's allocateOrdersBatch) and single orders (the allocation
 * workers' allocateOrder, on `order.created` or stock arriving). Each locks several balances, in its own order (the
 * batch in plan order, a single order line by line), so before the single allocator waited for the warehouse's
 * running batch they deadlocked whenever they met on two balances: `npm run load:prepare-picker` against a running
 * system failed on its batch allocation after five deadlocks in a row, the workers allocating the same new orders.
 * Neither side retries here (no withTx), so a deadlock is an error the test sees.
 */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

const SKUS = 6;
const ORDERS = 120;

async function floor(rnd: () => number) {
  const em = sys.rt.orm.em.fork();
  const skus: string[] = [];
  for (let s = 0; s < SKUS; s++) {
    const sku = await makeSku(em);
    skus.push(sku.id);
    // Several balances per SKU, each too small for everything: the allocators spread over them.
    for (let b = 0; b < 3; b++) {
      const loc = await makeLocation(em, sys.wh1);
      await withTx(sys.rt.orm.em, (tx) =>
        postMovement(tx, {
          warehouseId: sys.wh1,
          type: 'receipt',
          skuId: sku.id,
          qty: 60 + Math.floor(rnd() * 40),
          to: { locationId: loc.id },
        }),
      );
    }
  }
  const orders: string[] = [];
  for (let k = 0; k < ORDERS; k++) {
    const o = await sqlOne<IdRow>(
      em,
      `insert into sales_order (warehouse_id, external_id, source, status, currency, created_at)
      values (?, ?, 'api', 'pending', 'EUR', now() + make_interval(secs => ?)) returning id`,
      [sys.wh1, `RACE-${k}`, k],
    );
    // Three lines of distinct SKUs in a random order: a single allocation locks their balances in line order.
    const lineSkus = [...skus].sort(() => rnd() - 0.5).slice(0, 3);
    for (const [i, sku] of lineSkus.entries())
      await sql(em, 'insert into order_line (order_id, line_no, sku_id, qty) values (?, ?, ?, ?)', [
        o!.id,
        i + 1,
        sku,
        1 + Math.floor(rnd() * 2),
      ]);
    orders.push(o!.id);
  }
  return { skus, orders };
}

describe('batch and single-order allocation at once', () => {
  it('never deadlock, and reserve no balance past what it holds', async () => {
    const rnd = mulberry32(7);
    const { orders } = await floor(rnd);
    const errors: string[] = [];
    const once = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        errors.push(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);
      }
    };
    // The batch side: chunks of 20 in order. The single side: one worker from the other end (two single allocations
    // can still deadlock each other; withTx retries those, as it always did).
    const batch = async () => {
      for (let i = 0; i < orders.length; i += 20)
        await once(() => sys.rt.orm.em.fork().transactional((tx) => allocateOrdersBatch(tx, orders.slice(i, i + 20), systemClock)));
    };
    const single = async () => {
      for (const id of [...orders].reverse())
        await once(() => sys.rt.orm.em.fork().transactional((tx) => allocateOrder(tx, id, systemClock, { trigger: 'test' })));
    };
    await Promise.all([batch(), single()]);

    expect(errors).toEqual([]);
    // Every order was allocated by one side or the other, in full (the stock covers the demand).
    const open = await count(
      sys,
      `select count(*) as n from order_line l join sales_order o on o.id = l.order_id
      where o.external_id like 'RACE-%' and l.allocated_qty <> l.qty`,
    );
    expect(open).toBe(0);
    const over = await sql<OverRow>(
      sys.rt.orm.em.fork(),
      'select sku_id, reserved, on_hand from stock_balance where warehouse_id = ? and reserved > on_hand',
      [sys.wh1],
    );
    expect(over).toEqual([]);
    expect(await ledgerMismatches(sys.rt.orm.em.fork(), sys.wh1)).toEqual([]);
  });
});
