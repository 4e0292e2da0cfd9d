/**
 * Ledger throughput and reservation latency with 16 concurrent clients, against pgbench's built-in
 * simple-update (-N) with 16 clients run in the same command on the same server.
 * - moves/s: each client loops postMovement (move 1 unit between a SKU's two locations: debit with
 *   CHECKs, upsert credit, immutable row, outbox event) over 100 SKUs, as the API runs it: one ledger
 *   call outside any transaction, grouped with concurrent calls (ledger-group-commit.ts).
 * - the same moves inside a caller's transaction (withTx), one commit each.
 * - reserve p50/p99: each client loops reserve(1 unit) as the API runs it, timed; released outside the timing.
 * - the hot-SKU race of issue 19 (hot-sku.ts), 20 rounds: wall time and per-request p99 against the
 *   same waves (200, then 120) of concurrent `select 1` through the same pool (the client-side floor of that many requests), same run.
 * Ratios: moves/s ÷ pgbench tps (higher is better); reserve latency ÷ pgbench average latency.
 * At full scale: the database already holds 5M ledger rows (scale-db.ts; 0.5M with --quick), built on the first run
 * (about a minute quiet) and reused after; the figures name the row count. LEDGER_BENCH_DB names another database.
 */
import { performance } from 'node:perf_hooks';
import { pgbenchSimpleUpdate } from '../baselines/index.js';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { postMovement, releaseReservations, reserve } from '../../domain/inventory/ledger.service.js';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { withTx } from '../../platform/db.js';
import { baseDbUrl, percentile } from './scratch-db.js';
import { FULL_SCALE, QUICK_SCALE, ledgerRows, ledgerScaleDb } from './scale-db.js';
import { hotSkuRaces } from './hot-sku.js';
import { setupLedgerBench } from './setup.js';

const CLIENTS = 16;
const FLOOR = '200 then 120 concurrent select 1 on the same pool, wall (same run)';
/** Runs `clients` loops of fn for durationS; returns completed calls, failures and per-call latencies (ms). */
async function loadLoop(clients: number, durationS: number, fn: (client: number, i: number) => Promise<void>) {
  const end = performance.now() + durationS * 1000;
  const lat: number[] = [];
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        try {
          await fn(c, i);
          ok++;
          lat.push(performance.now() - t);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { ok, failed, lat, elapsedS: (performance.now() - t0) / 1000 };
}

const bench: Benchmark = {
  name: 'ledger',
  budgetS: 150,
  async run({ quick, seed }): Promise<Figure[]> {
    const durationS = quick ? 4 : 12;
    let rnd = (seed ?? 1) >>> 0;
    const next = () => (rnd = (Math.imul(rnd, 1664525) + 1013904223) >>> 0) / 2 ** 32; // LCG (Numerical Recipes)
    // At full scale (issue 19, goal 5): a movement table of millions of rows, kept between runs (scale-db.ts).
    const scale = quick ? QUICK_SCALE : FULL_SCALE;
    const dbName = process.env.LEDGER_BENCH_DB ?? (quick ? 'dockside_bench_ledger_quick' : 'dockside_bench_ledger_scale');
    const { orm, url } = await ledgerScaleDb(dbName, scale, CLIENTS + 2);
    try {
      const { wh, skus } = await setupLedgerBench(orm, `-${Date.now().toString(36).toUpperCase()}`);
      const rowsAtStart = await ledgerRows(orm);
      const at = `${CLIENTS} clients, ${(rowsAtStart / 1e6).toFixed(1)}M ledger rows`;
      console.error(`[ledger] ${dbName}: ${at}`);
      console.error(`[ledger] pgbench -N, ${CLIENTS} clients, ${durationS} s`);
      const base = await pgbenchSimpleUpdate({ clients: CLIENTS, durationS, dbUrl: baseDbUrl() });
      console.error(`[ledger] pgbench: ${base.tps.toFixed(0)} tps, ${base.latencyAvgMs.toFixed(2)} ms avg`);

      // The API's path: one ledger call outside any transaction (grouped with concurrent calls, one commit each batch).
      const moveCmd = () => {
        const s = skus[Math.floor(next() * skus.length)]!;
        const flip = next() < 0.5;
        return {
          warehouseId: wh,
          type: 'move' as const,
          skuId: s.id,
          qty: 1,
          from: { locationId: flip ? s.a : s.b },
          to: { locationId: flip ? s.b : s.a },
        };
      };
      const moves = await loadLoop(CLIENTS, durationS, async () => {
        await postMovement(orm.em.fork(), moveCmd());
      });
      const movesPerS = moves.ok / moves.elapsedS;
      console.error(
        `[ledger] moves: ${moves.ok} ok, ${moves.failed} failed, ${movesPerS.toFixed(0)}/s, p50 ${percentile(moves.lat, 50).toFixed(2)} ms, p99 ${percentile(moves.lat, 99).toFixed(2)} ms, max ${Math.max(...moves.lat).toFixed(0)} ms, ${moves.elapsedS.toFixed(1)} s`,
      );

      // The same move as one statement of a caller's own transaction (withTx: begin, call, commit), as flows
      // that move stock together with their own rows do: one commit per move.
      const inTx = await loadLoop(CLIENTS, durationS, async () => {
        const cmd = moveCmd();
        await withTx(orm.em, (tx) => postMovement(tx, cmd));
      });
      const inTxPerS = inTx.ok / inTx.elapsedS;
      console.error(
        `[ledger] moves in a caller's transaction: ${inTx.ok} ok, ${inTx.failed} failed, ${inTxPerS.toFixed(0)}/s, p50 ${percentile(inTx.lat, 50).toFixed(2)} ms`,
      );

      const toRelease: string[] = [];
      const res = await loadLoop(CLIENTS, durationS, async (c, i) => {
        const s = skus[Math.floor(next() * skus.length)]!;
        const r = await reserve(orm.em.fork(), { warehouseId: wh, skuId: s.id, qty: 1, refType: 'bench', refId: `${c}-${i}` });
        toRelease.push(...r.reservations.map((x) => x.id));
      });
      console.error(
        `[ledger] reserve: ${res.ok} ok, ${res.failed} failed, p50 ${percentile(res.lat, 50).toFixed(2)} ms, p99 ${percentile(res.lat, 99).toFixed(2)} ms`,
      );
      for (let i = 0; i < toRelease.length; i += 1000)
        await withTx(orm.em, (tx) => releaseReservations(tx, { reservationIds: toRelease.slice(i, i + 1000) }));
      const bad = await ledgerMismatches(orm.em.fork(), wh);
      if (bad.length) throw new Error(`ledger and balances disagree after the run: ${bad.length} balances`);

      const rounds = quick ? 5 : 20;
      const { races, floorMs } = await hotSkuRaces(url, wh, rounds);
      const walls = races.map((x) => x.wallMs);
      const p99s = races.map((x) => percentile(x.latMs, 99));
      const raceLat = races.flatMap((x) => x.latMs);
      const good = races.filter((x, i) => x.wallMs <= 2000 && p99s[i]! < 1000).length;
      console.error(
        `[ledger] hot SKU races: wall ${walls.map((w) => w.toFixed(0)).join(', ')} ms; p99 ${p99s.map((w) => w.toFixed(0)).join(', ')} ms; reserved ${races.map((x) => x.reserved).join(', ')}; 200+120 concurrent select 1: ${floorMs.toFixed(0)} ms`,
      );

      const b = 'pgbench simple-update (-N, 16 clients)';
      return [
        figure('ledger', `move tx/s (${at})`, movesPerS, 'tx/s', base.tps, `${b} tps`),
        figure('ledger', `move tx/s in a caller's transaction (${at})`, inTxPerS, 'tx/s', base.tps, `${b} tps`),
        figure('ledger', `reserve p50 (${CLIENTS} clients)`, percentile(res.lat, 50), 'ms', base.latencyAvgMs, `${b} avg latency`),
        figure('ledger', `reserve p99 (${CLIENTS} clients)`, percentile(res.lat, 99), 'ms', base.latencyAvgMs, `${b} avg latency`),
        figure('ledger', `reserve tx/s (${at})`, res.ok / res.elapsedS, 'tx/s', base.tps, `${b} tps`),
        figure('ledger', `hot SKU race rounds with wall ≤ 2 s and p99 < 1 s (of ${rounds})`, good, 'rounds', rounds, 'rounds run'),
        figure('ledger', `hot SKU race worst wall time (${rounds} rounds)`, Math.max(...walls), 'ms', floorMs, FLOOR),
        figure('ledger', `hot SKU race worst round p99 (${rounds} rounds)`, Math.max(...p99s), 'ms', floorMs, FLOOR),
        figure('ledger', `hot SKU race request p99, all rounds (${rounds} rounds)`, percentile(raceLat, 99), 'ms', floorMs, FLOOR),
      ];
    } finally {
      await orm.close(true);
    }
  },
};
export default bench;
