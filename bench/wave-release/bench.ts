/**
 * Wave release as `load:prepare-picker` does it (issue 19 goal 4): 2,400 orders of 1-3 lines over 100 SKUs
 * (the floor fixture), allocated set-based (`allocateOrdersBatch`) in short transactions of 400 orders, then planned and released as one batch
 * wave (as `releaseWaveOf` does: planning and release are two transactions, timed apart). Figures, each against a baseline
 * measured in the same run:
 * - allocate + release and release alone, as orders/s, against pgbench single-row inserts/s (1 client);
 * - the pick graph of a wave (`loadPickGraph` near the wave's locations: only its aisles row by row) against
 *   the whole warehouse's graph, on the scale warehouse (50k locations with DOCKSIDE_BENCH_SCALE=1 or --scale,
 *   else the 1k-location small set).
 * `quick`: 300 orders.
 */
import '../../scripts/lib/dev-env.js';
import { performance } from 'node:perf_hooks';
import { pgbenchInsert } from '../baselines/index.js';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { freshScratchDb } from '../ledger/scratch-db.js';
import { allocateOrdersBatch } from '../../domain/orders/batch-allocation.service.js';
import { loadPickGraph } from '../../domain/picking/path.service.js';
import { planWave } from '../../domain/picking/wave-planning.js';
import { releaseWave } from '../../domain/picking/wave-release.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { loadConfig } from '../../platform/config.js';
import { createOrm, withTx } from '../../platform/db.js';
import { SCALE_WAREHOUSE_ID, scaleOptions, seedScale } from '../../scripts/seed-scale.js';
import { buildFloor } from '../../test/floor/fixture.js';
import type { IdRow, CountRow } from '../../domain/shared/rows.js';

const ALLOCATE_CHUNK = 400;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function releaseFigures(orders: number): Promise<{ allocateS: number; releaseS: number; tasks: number; lines: number }> {
  const { orm } = await freshScratchDb('dockside_bench_wave', 4);
  try {
    const wh = (await sqlOne<IdRow>(orm.em.fork(), `insert into warehouse (code, name) values ('WB', 'Wave bench') returning id`))!.id;
    await sql(orm.em.fork(), 'insert into event_stream (warehouse_id) values (?)', [wh]);
    const fx = await withTx(orm.em, (tx) => buildFloor(tx, wh, { skus: 100, orders, seed: 5, prefix: 'WB', allocate: false }));
    await sql(orm.em.fork(), 'analyze');
    let t = performance.now();
    for (let i = 0; i < fx.orderIds.length; i += ALLOCATE_CHUNK)
      await withTx(orm.em, (tx) => allocateOrdersBatch(tx, fx.orderIds.slice(i, i + ALLOCATE_CHUNK), systemClock));
    const allocateS = (performance.now() - t) / 1000;
    // releaseWaveOf's two transactions, timed apart: the second holds the wave's orders locked.
    t = performance.now();
    const planned = await withTx(orm.em, (tx) =>
      planWave(tx, null, wh, { pickMode: 'batch', cartSlots: 8, maxOrders: 5000, release: false }, systemClock),
    );
    const planS = (performance.now() - t) / 1000;
    const wave = await withTx(orm.em, (tx) => releaseWave(tx, null, planned.id, systemClock));
    const releaseS = (performance.now() - t) / 1000;
    const lines = await sqlOne<CountRow>(
      orm.em.fork(),
      'select count(*)::int as n from task_line l join task t on t.id = l.task_id where t.wave_id = ?',
      [wave.id],
    );
    console.error(
      `[wave-release] ${orders} orders: allocate ${allocateS.toFixed(1)} s, plan+release ${releaseS.toFixed(1)} s (the release transaction ${(releaseS - planS).toFixed(2)} s), ${wave.taskIds.length} tasks`,
    );
    return { allocateS, releaseS, tasks: wave.taskIds.length, lines: lines!.n };
  } finally {
    await orm.close(true);
  }
}

async function graphFigures(quick: boolean): Promise<{ nearMs: number; wholeMs: number; label: string }> {
  const scale = process.argv.includes('--scale') || process.env.DOCKSIDE_BENCH_SCALE === '1';
  const o = scale ? scaleOptions(1, process.env.DOCKSIDE_BENCH_SCALE_DB ?? 'dockside_scale') : scaleOptions(0.02, 'dockside_scale_0_02');
  const url = await seedScale(o);
  const orm = await createOrm(loadConfig({ ...process.env, DATABASE_URL: url, DATABASE_POOL_MAX: '2' } as NodeJS.ProcessEnv));
  try {
    const em = orm.em.fork();
    // A wave's worth of stops: 300 locations in 6 aisles.
    const stops = await sql<IdRow>(
      em,
      `select id from location where warehouse_id = ? and aisle in (
        select aisle from location where warehouse_id = ? and aisle is not null group by aisle order by aisle limit 6) order by code limit 300`,
      [SCALE_WAREHOUSE_ID, SCALE_WAREHOUSE_ID],
    );
    const near: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < (quick ? 3 : 7); i++) {
      let t = performance.now();
      await loadPickGraph(em, SCALE_WAREHOUSE_ID, { locationIds: stops.map((s) => s.id) });
      near.push(performance.now() - t);
      t = performance.now();
      await loadPickGraph(em, SCALE_WAREHOUSE_ID);
      whole.push(performance.now() - t);
    }
    return { nearMs: median(near), wholeMs: median(whole), label: `${Math.round(o.locations / 1000)}k locations` };
  } finally {
    await orm.close(true);
  }
}

const bench: Benchmark = {
  name: 'wave-release',
  budgetS: 150,
  async run({ quick }): Promise<Figure[]> {
    const orders = quick ? 300 : 2400;
    const base = await pgbenchInsert({ clients: 1, durationS: quick ? 3 : 8 });
    const r = await releaseFigures(orders);
    const g = await graphFigures(!!quick);
    const name = 'pgbench single-row inserts/s (1 client)';
    return [
      figure(
        'wave-release',
        `allocate + release ${orders} orders (orders/s; ${(r.allocateS + r.releaseS).toFixed(1)} s)`,
        orders / (r.allocateS + r.releaseS),
        'orders/s',
        base.tps,
        name,
      ),
      figure(
        'wave-release',
        `plan + release one wave of ${orders} orders (orders/s; ${r.releaseS.toFixed(1)} s, ${r.tasks} tasks, ${r.lines} lines)`,
        orders / r.releaseS,
        'orders/s',
        base.tps,
        name,
      ),
      figure(
        'wave-release',
        `pick graph of a wave's 6 aisles, ${g.label} (ms, median)`,
        g.nearMs,
        'ms',
        g.wholeMs,
        'the whole warehouse graph (ms, median)',
      ),
    ];
  },
};
export default bench;
