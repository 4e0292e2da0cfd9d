/**
 * The velocity run: pick history of the last `windowDays` (ledger `pick` movements, grouped by the order
 * line's order) → per-SKU picks, units, orders, picks per week, cube-per-order index and ABC class
 * (pure rules in velocity.ts), stored per warehouse in `sku_velocity` and announced as
 * `slotting.velocity_computed`. Run nightly by the `slotting` queue and on demand by a supervisor.
 */
import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import type { Clock } from '../shared/clock.js';
import type { IdRow } from '../shared/rows.js';
import { sql } from '../shared/sql.js';
import { SkuVelocity, type SkuVelocityRow } from './entities/sku-velocity.entity.js';
import { SlottingRun } from './entities/slotting-run.entity.js';
import type { StockMovementRow } from '../inventory/entities/stock-movement.entity.js';
import type { StockBalanceRow } from '../inventory/entities/stock-balance.entity.js';
import { classCounts, computeVelocity, type PickRecord, type SkuFacts } from './velocity.js';

const byRank = keyset(['int']);

export const VELOCITY_WINDOW_DAYS = 91;

/** One pick of the window as the run reads it (keyed by its order, or by the movement when no order). */
export type PickHistoryRow = Pick<StockMovementRow, 'sku_id' | 'qty'> & { order_key: string };

/** A SKU with stock in the warehouse: its unit volume (mm³, bigint as text) and units on hand. */
export type StockedSkuRow = Pick<StockBalanceRow, 'sku_id' | 'on_hand'> & { unit_volume: string };

export interface VelocityRunResult {
  runId: string;
  windowDays: number;
  skus: number;
  a: number;
  b: number;
  c: number;
  picks: number;
}

/** Computes and stores the warehouse's velocity from its pick history; emits `slotting.velocity_computed`. */
export async function runVelocity(
  tx: EntityManager,
  warehouseId: string,
  clock: Clock,
  o: { windowDays?: number } = {},
): Promise<VelocityRunResult> {
  const windowDays = o.windowDays ?? VELOCITY_WINDOW_DAYS;
  const since = new Date(clock.now().getTime() - windowDays * 86_400_000).toISOString();
  // One run per warehouse at a time (the nightly tick and a supervisor's button may meet).
  await sql(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`velocity:${warehouseId}`]);
  const history = await sql<PickHistoryRow>(
    tx,
    `select m.sku_id, coalesce(ol.order_id::text, 'm' || m.id) as order_key, m.qty
    from stock_movement m left join order_line ol on m.ref_type = 'order_line' and ol.id::text = m.ref_id
    where m.warehouse_id = ? and m.type = 'pick' and m.created_at >= ?::timestamptz`,
    [warehouseId, since],
  );
  const stocked = await sql<StockedSkuRow>(
    tx,
    `select b.sku_id, (s.length_mm::bigint * s.width_mm * s.height_mm)::text as unit_volume, sum(b.on_hand)::int as on_hand
    from stock_balance b join sku s on s.id = b.sku_id
    where b.warehouse_id = ? and b.on_hand > 0 group by b.sku_id, s.length_mm, s.width_mm, s.height_mm`,
    [warehouseId],
  );
  const picks: PickRecord[] = history.map((h) => ({ skuId: h.sku_id, orderKey: h.order_key, qty: h.qty }));
  const facts: SkuFacts[] = stocked.map((s) => ({ skuId: s.sku_id, unitVolumeMm3: Number(s.unit_volume), onHand: s.on_hand }));
  const v = computeVelocity(picks, facts, { weeks: windowDays / 7 });
  const counts = classCounts(v);
  const summary = { windowDays, skus: v.length, picks: picks.length, a: counts.A, b: counts.B, c: counts.C };
  const run = { id: (await tx.insert(SlottingRun, { warehouse_id: warehouseId, kind: 'velocity', summary })) as string };
  const arr = <T>(xs: T[]) => `{${xs.map((x) => (x === null ? 'NULL' : String(x))).join(',')}}`;
  if (v.length)
    await sql(
      tx,
      `insert into sku_velocity (warehouse_id, sku_id, run_id, picks, units, orders, picks_per_week, cube_per_order_index, velocity_class, rank, computed_at)
      select ?::uuid, u.sku_id, ?::uuid, u.picks, u.units, u.orders, round(u.ppw, 3), round(u.coi, 3), u.cls, u.rank, ?::timestamptz
      from unnest(?::uuid[], ?::int[], ?::int[], ?::int[], ?::numeric[], ?::numeric[], ?::text[], ?::int[])
        as u(sku_id, picks, units, orders, ppw, coi, cls, rank)
      on conflict (warehouse_id, sku_id) do update set run_id = excluded.run_id, picks = excluded.picks, units = excluded.units,
        orders = excluded.orders, picks_per_week = excluded.picks_per_week, cube_per_order_index = excluded.cube_per_order_index,
        velocity_class = excluded.velocity_class, rank = excluded.rank, computed_at = excluded.computed_at`,
      [
        warehouseId,
        run.id,
        clock.now().toISOString(),
        arr(v.map((x) => x.skuId)),
        arr(v.map((x) => x.picks)),
        arr(v.map((x) => x.units)),
        arr(v.map((x) => x.orders)),
        arr(v.map((x) => x.picksPerWeek)),
        arr(v.map((x) => x.cubePerOrderIndex)),
        arr(v.map((x) => x.velocityClass)),
        arr(v.map((x) => x.rank)),
      ],
    );
  // SKUs neither picked in the window nor in stock any more drop out of the table.
  await tx.nativeDelete(SkuVelocity, { warehouse_id: warehouseId, run_id: { $ne: run.id } });
  await emit(tx, { type: 'slotting.velocity_computed', warehouseId, payload: { runId: run.id, ...summary } });
  return { runId: run.id, ...summary };
}

/** The nightly tick: warehouses whose velocity is older than `staleH` hours (or never computed). */
export async function warehousesDueForVelocity(em: EntityManager, clock: Clock, staleH = 20): Promise<string[]> {
  const rows = await sql<IdRow>(
    em,
    `select w.id from warehouse w where not exists (select 1 from slotting_run r where r.warehouse_id = w.id and r.kind = 'velocity'
      and r.created_at > ?::timestamptz - make_interval(hours => ?)) order by w.code`,
    [clock.now().toISOString(), staleH],
  );
  return rows.map((r) => r.id);
}

/** A row of the velocity list. */
export type VelocityListRow = Pick<
  SkuVelocityRow,
  'sku_id' | 'picks' | 'units' | 'orders' | 'picks_per_week' | 'cube_per_order_index' | 'velocity_class' | 'rank' | 'computed_at'
> & { code: string };

/** The warehouse's SKU velocity by rank (1 = most picked), optionally one class, keyset-paginated by rank. */
export async function listVelocity(em: EntityManager, q: { warehouseId: string; velocityClass?: string; cursor?: string; limit: number }) {
  const rank = byRank.after(q.cursor)?.[0] ?? null;
  const rows = await sql<VelocityListRow>(
    em,
    `select v.sku_id, s.code, v.picks, v.units, v.orders, v.picks_per_week, v.cube_per_order_index, v.velocity_class, v.rank, v.computed_at
    from sku_velocity v join sku s on s.id = v.sku_id
    where v.warehouse_id = ? and (?::text is null or v.velocity_class = ?) and (?::int is null or v.rank > ?)
    order by v.rank limit ?`,
    [q.warehouseId, q.velocityClass ?? null, q.velocityClass ?? null, rank, rank, q.limit + 1],
  );
  const p = byRank.page(rows, q.limit, (r) => [Number(r.rank)]);
  return {
    items: p.items.map((r) => ({
      skuId: r.sku_id,
      sku: r.code,
      velocityClass: r.velocity_class,
      rank: r.rank,
      picks: r.picks,
      units: r.units,
      orders: r.orders,
      picksPerWeek: Number(r.picks_per_week),
      cubePerOrderIndex: r.cube_per_order_index === null ? null : Number(r.cube_per_order_index),
      computedAt: new Date(r.computed_at).toISOString(),
    })),
    nextCursor: p.nextCursor,
  };
}
