import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { ALLOCATABLE_LOCATION_TYPES, postMovement } from '../../domain/inventory/ledger.service.js';
import { allocateOrder } from '../../domain/orders/allocation.service.js';
import { allocateOrdersBatch } from '../../domain/orders/batch-allocation.service.js';
import { BATCH_ALLOCATE_SQL } from '../../domain/orders/batch-allocation.sql.js';
import { ALLOCATION_ORDER_SQL } from '../../domain/orders/allocation.js';
import { systemClock } from '../../domain/shared/clock.js';
import { mulberry32 } from '../../domain/shared/rng.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { makeLocation, makeSku } from '../inventory/fixtures.js';

import type { IdRow } from '../../domain/shared/rows.js';
import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';
import type { OrderLogRow } from '../../domain/orders/entities/order-log.entity.js';

type TakeRow = { external_id: string; line_no: number; loc: string; lot: string | null; qty: number };
type LogRow = Pick<OrderLogRow, 'action' | 'message'> & { external_id: string };
type PlanRow = Record<string, ExplainNode[] | string>;
interface ExplainNode {
  Plan?: ExplainNode;
  Plans?: ExplainNode[];
  'Node Type'?: string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  'Index Name'?: string;
}

/**
 * The set-based allocation (BATCH_ALLOCATE_SQL, issue 19 goal 2) against its specification: the same takes, statuses
 * and allocation log as allocating the orders one by one in priority order through the ledger (allocateOrder), on
 * random demand and supply with FEFO lots, FIFO balances, several lines of one SKU in an order, express orders and
 * shortage; and a plan that reads each SKU's balances once however the statistics of sales_order look.
 */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

let run = 0;

/** The same SKUs, locations (code `<prefix>-<n>`) and receipts in both warehouses, receipts interleaved. */
async function stock(rnd: () => number, skus: number, prefix: [string, string]) {
  const em = sys.rt.orm.em.fork();
  const made: { id: string; code: string; expiry: boolean }[] = [];
  for (let s = 0; s < skus; s++) {
    const expiry = s % 2 === 0;
    made.push({ ...(await makeSku(em, { trackLot: expiry, trackExpiry: expiry })), expiry });
  }
  const locs: [string, string][] = [];
  for (let i = 0; i < skus * 3; i++)
    locs.push([
      (await makeLocation(em, sys.wh1, { code: `${prefix[0]}-${i}` })).id,
      (await makeLocation(em, sys.wh2, { code: `${prefix[1]}-${i}` })).id,
    ]);
  for (const [s, sku] of made.entries())
    for (let b = 0; b < 1 + Math.floor(rnd() * 3); b++) {
      const qty = 1 + Math.floor(rnd() * 20);
      // Expiries out of receipt order, sometimes equal (then first receipt, then id decide).
      const exp = `2027-0${1 + Math.floor(rnd() * 3)}-15`;
      for (const [w, wh] of [sys.wh1, sys.wh2].entries())
        await withTx(sys.rt.orm.em, (tx) =>
          postMovement(tx, {
            warehouseId: wh,
            type: 'receipt',
            skuId: sku.id,
            qty,
            to: { locationId: locs[s * 3 + b]![w]!, ...(sku.expiry ? { lot: `L${b}`, expiry: exp } : {}) },
          }),
        );
    }
  return made;
}

/** The same pending orders in both warehouses (distinct created_at, so priority order does not depend on ids). */
async function orders(rnd: () => number, skus: { id: string }[], n: number, tag: string) {
  const em = sys.rt.orm.em.fork();
  const ids: [string[], string[]] = [[], []];
  for (let k = 0; k < n; k++) {
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
      sku: skus[Math.floor(rnd() * skus.length)]!.id,
      qty: 1 + Math.floor(rnd() * 3),
    }));
    const rank = rnd() < 0.2 ? 0 : 1;
    for (const [w, wh] of [sys.wh1, sys.wh2].entries()) {
      const o = await sqlOne<IdRow>(
        em,
        `insert into sales_order (warehouse_id, external_id, source, status, currency, priority_rank, created_at)
        values (?, ?, 'api', 'pending', 'EUR', ?, now() + make_interval(secs => ?)) returning id`,
        [wh, `${tag}-${k}`, rank, k],
      );
      for (const [i, l] of lines.entries())
        await sql(em, 'insert into order_line (order_id, line_no, sku_id, qty) values (?, ?, ?, ?)', [o!.id, i + 1, l.sku, l.qty]);
      ids[w]!.push(o!.id);
    }
  }
  return ids;
}

async function takes(wh: string, tag: string): Promise<TakeRow[]> {
  return sql<TakeRow>(
    sys.rt.orm.em.fork(),
    `select o.external_id, l.line_no, split_part(lo.code, '-', 2) as loc, b.lot, r.qty
    from stock_reservation r join order_line l on l.id::text = r.ref_id join sales_order o on o.id = l.order_id
    join stock_balance b on b.id = r.balance_id join location lo on lo.id = b.location_id
    where o.warehouse_id = ? and o.external_id like ? and r.status = 'pending'
    order by o.external_id, l.line_no, loc, b.lot`,
    [wh, `${tag}-%`],
  );
}

async function logs(wh: string, tag: string, prefix: string): Promise<LogRow[]> {
  const rows = await sql<LogRow>(
    sys.rt.orm.em.fork(),
    `select o.external_id, g.action, g.message from order_log g join sales_order o on o.id = g.order_id
    where o.warehouse_id = ? and o.external_id like ? and g.category = 'allocation' order by o.external_id, g.id`,
    [wh, `${tag}-%`],
  );
  return rows.map((r) => ({ ...r, message: r.message.replaceAll(`${prefix}-`, 'LOC-') }));
}

describe('batch allocation plan', () => {
  it('takes what allocating the orders one by one in priority order takes, with the same statuses and log', async () => {
    for (const seed of [1, 2, 3]) {
      const tag = `eq${++run}`;
      const rnd = mulberry32(seed);
      const skus = await stock(rnd, 6, [`A${tag}`, `B${tag}`]);
      const [batch, single] = await orders(rnd, skus, 40, tag);
      await withTx(sys.rt.orm.em, (tx) => allocateOrdersBatch(tx, batch, systemClock, { trigger: 'test' }));
      const inOrder = await sql<IdRow>(
        sys.rt.orm.em.fork(),
        `select id from sales_order where id = any(?::uuid[]) order by ${ALLOCATION_ORDER_SQL}`,
        [`{${single.join(',')}}`],
      );
      for (const o of inOrder) await withTx(sys.rt.orm.em, (tx) => allocateOrder(tx, o.id, systemClock, { trigger: 'test' }));

      const [a, b] = [await takes(sys.wh1, tag), await takes(sys.wh2, tag)];
      expect(a.length).toBeGreaterThan(20);
      expect(a).toEqual(b);
      const status = (wh: string) =>
        sql<Pick<SalesOrderRow, 'external_id' | 'status'>>(
          sys.rt.orm.em.fork(),
          'select external_id, status from sales_order where warehouse_id = ? and external_id like ? order by external_id',
          [wh, `${tag}-%`],
        );
      const [sa, sb] = [await status(sys.wh1), await status(sys.wh2)];
      expect(sa).toEqual(sb);
      // Random stock runs short somewhere: both outcomes are exercised.
      expect(new Set(sa.map((s) => s.status))).toEqual(new Set(['allocated', 'backordered']));
      expect(await logs(sys.wh1, tag, `A${tag}`)).toEqual(await logs(sys.wh2, tag, `B${tag}`));
    }
    expect(await ledgerMismatches(sys.rt.orm.em.fork(), sys.wh1)).toEqual([]);
    expect(await ledgerMismatches(sys.rt.orm.em.fork(), sys.wh2)).toEqual([]);
  });

  it('reads each SKU’s balances once when the statistics say no order is pending', async () => {
    const em = sys.rt.orm.em.fork();
    const rnd = mulberry32(7);
    const skus: { id: string }[] = [];
    for (let s = 0; s < 20; s++) {
      const sku = await makeSku(em);
      const loc = await makeLocation(em, sys.wh1);
      await withTx(sys.rt.orm.em, (tx) =>
        postMovement(tx, { warehouseId: sys.wh1, type: 'receipt', skuId: sku.id, qty: 10_000, to: { locationId: loc.id } }),
      );
      skus.push(sku);
    }
    // Orders are allocated in the transaction that creates them, so when ANALYZE runs next to none is pending.
    const [old] = await orders(rnd, skus, 200, `st${++run}`);
    await withTx(sys.rt.orm.em, (tx) => allocateOrdersBatch(tx, old, systemClock));
    await sql(em, "update sales_order set status = 'allocated' where status in ('pending', 'backordered')");
    await sql(em, 'analyze sales_order');
    await sql(em, 'analyze order_line');
    const [fresh] = await orders(rnd, skus, 60, `st${++run}`);
    // EXPLAIN ANALYZE runs the writes too: in a transaction rolled back.
    const tx = sys.rt.orm.em.fork();
    await tx.begin();
    const plan = await sqlOne<PlanRow>(tx, `explain (analyze, format json) ${BATCH_ALLOCATE_SQL}`, [
      `{${fresh.join(',')}}`,
      `{${ALLOCATABLE_LOCATION_TYPES.join(',')}}`,
      null,
      null,
    ]);
    await tx.rollback();
    const doc = Object.values(plan!)[0];
    const root = (typeof doc === 'string' ? JSON.parse(doc) : doc) as ExplainNode[];
    let probes = 0;
    const indexes = new Set<string>();
    const walk = (n: ExplainNode) => {
      if (n['Relation Name'] === 'stock_balance' && /Scan/.test(n['Node Type'] ?? '')) probes += n['Actual Loops'] ?? 0;
      if (n['Index Name']) indexes.add(n['Index Name']);
      for (const c of n.Plans ?? []) walk(c);
    };
    walk(root[0]!.Plan!);
    // One probe per SKU to read the candidates, one per balance raised: 40 here. Joining demand to supply with a
    // nested loop (what the 1-row estimate of pending orders used to give) probes per line and SKU: thousands.
    expect(probes).toBeLessThanOrEqual(2 * skus.length);
    // Partial indexes that keep a dead entry for every order and line allocated since the last vacuum are not read.
    expect(indexes).not.toContain('sales_order_alloc_idx');
    expect(indexes).not.toContain('order_line_sku_idx');
  });
});
