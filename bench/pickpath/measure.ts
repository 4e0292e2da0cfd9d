/**
 * The pick-path measurements: single-block instances (in-repo by default, or --instances) (optimal DP vs the classic heuristics,
 * DP vs exhaustive optimum) and seeded multi-block instances (our heuristic vs the classic ones,
 * the Held-Karp lower bound and, for 10 picks, the exact optimum).
 */
import { performance } from 'node:perf_hooks';
import { figure } from '../lib/figure.js';
import type { Figure } from '../lib/figure.js';
import { bruteForceTour } from '../../domain/picking/pick-path/brute-force.js';
import { exactRoute } from '../../domain/picking/pick-path/exact-small.js';
import { distanceMatrix, tourLength } from '../../domain/picking/pick-path/metric.js';
import { optimalSingleBlockTour } from '../../domain/picking/pick-path/ratliff-rosenthal.js';
import { heuristicsFor } from '../../domain/picking/pick-path/routing-heuristics.js';
import { buildStops, sequencePicks } from '../../domain/picking/pick-path/sequence-picks.js';
import { generateMultiBlock, loadSingleBlock } from './instances.js';
import type { PickInstance } from './instances.js';

const BENCH = 'pickpath';
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const pct = (value: number, base: number) => (value / base - 1) * 100;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Mean ms per call of `fn`, repeated until ~20 ms have passed so short routes are timed above timer noise. */
function timeMs(fn: () => void): number {
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (reps < 1 || (t - t0 < 20 && reps < 1000)) {
    fn();
    reps++;
    t = performance.now();
  }
  return (t - t0) / reps;
}

function groupName(inst: PickInstance): string {
  return inst.name.replace(/_S\d+$/, '');
}

export interface PickpathReport {
  figures: Figure[];
  markdown: string;
}

export function measureSingleBlock(quick: boolean, instancePaths?: string[]): { figures: Figure[]; table: string } {
  const all = instancePaths?.length ? loadSingleBlock(instancePaths) : loadSingleBlock();
  if (all.length === 0) throw new Error(`no single-block pick-path instances in ${instancePaths?.join(', ')}`);
  // Quick keeps seeds 0-2 of the in-repo naming; other sets (no such names) run whole.
  const firstSeeds = all.filter((i) => /_S0[0-2]$/.test(i.name));
  const instances = quick && firstSeeds.length > 0 ? firstSeeds : all;
  const names = ['return', 's-shape', 'midpoint', 'largest-gap', 'combined'];
  const longer: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const heuristicSum: Record<string, number> = {};
  let optimalSum = 0;
  const groups = new Map<string, { opt: number[]; longer: Record<string, number[]>; dpMs: number[] }>();
  const dpMs: number[] = [];
  const sShapeMs: number[] = [];
  let verified = 0;
  let verifiable = 0;
  let dpSum = 0;
  let bfSum = 0;
  // Warm the JIT on every instance first, so per-route times measure steady-state code.
  for (const inst of instances) optimalSingleBlockTour(inst.layout, buildStops(inst.layout, inst.picks, inst.depot).points);
  for (const inst of instances) {
    const stops = buildStops(inst.layout, inst.picks, inst.depot);
    const dp = optimalSingleBlockTour(inst.layout, stops.points);
    optimalSum += dp.lengthMm;
    const ms = timeMs(() => optimalSingleBlockTour(inst.layout, stops.points));
    dpMs.push(ms);
    const g = groups.get(groupName(inst)) ?? { opt: [], longer: Object.fromEntries(names.map((n) => [n, []])), dpMs: [] };
    groups.set(groupName(inst), g);
    g.opt.push(dp.lengthMm);
    g.dpMs.push(ms);
    const heuristics = heuristicsFor(inst.layout);
    const depot = stops.points[0];
    const pts = stops.points.slice(1);
    for (const name of names) {
      const r = heuristics[name](inst.layout, depot, pts);
      longer[name].push(pct(r.lengthMm, dp.lengthMm));
      g.longer[name].push(pct(r.lengthMm, dp.lengthMm));
      heuristicSum[name] = (heuristicSum[name] ?? 0) + r.lengthMm;
    }
    sShapeMs.push(timeMs(() => heuristics['s-shape'](inst.layout, depot, pts)));
    if (inst.picks.length <= 10) {
      verifiable++;
      const m = distanceMatrix(inst.layout, stops.points);
      const bf = bruteForceTour(m, stops.points.length).lengthMm;
      dpSum += dp.lengthMm;
      bfSum += bf;
      if (bf === dp.lengthMm && tourLength(m, stops.points.length, [0, ...dp.order]) === dp.lengthMm) verified++;
    }
  }
  const figures: Figure[] = [
    {
      ...figure(
        BENCH,
        `single-block: instances where DP = exhaustive optimum (of ${verifiable} with <= 10 picks)`,
        verified,
        'instances',
        verifiable,
        'instances checked',
      ),
    },
    figure(BENCH, 'single-block: DP total length on <= 10-pick instances', dpSum, 'mm', bfSum, 'exhaustive optimum'),
    // Totals over all instances, so each heuristic is a ratio to the optimum (mean % per route is in the table).
    ...names.map((n) =>
      figure(
        BENCH,
        `single-block: ${n} total length (mean ${r2(mean(longer[n]))}% longer per route)`,
        heuristicSum[n]!,
        'mm',
        optimalSum,
        'optimal DP total length',
      ),
    ),
    figure(
      BENCH,
      'single-block: optimal DP runtime per route',
      r2(mean(dpMs) * 1000) / 1000,
      'ms',
      r2(mean(sShapeMs) * 1000) / 1000,
      'S-shape heuristic per route',
    ),
  ];
  const rows = [...groups.entries()].map(
    ([k, g]) =>
      `| ${k} | ${Math.round(mean(g.opt))} | ${names.map((n) => r2(mean(g.longer[n])).toFixed(2)).join(' | ')} | ${mean(g.dpMs).toFixed(3)} |`,
  );
  const table = [
    '| single-block group | optimal mean mm | ' + names.map((n) => `${n} %`).join(' | ') + ' | DP ms |',
    '|---|---:|' + names.map(() => '---:').join('|') + '|---:|',
    ...rows,
  ].join('\n');
  return { figures, table };
}

export function measureMultiBlock(quick: boolean, seed: number): { figures: Figure[]; table: string } {
  const instances = generateMultiBlock(seed, [10, 20], [2, 3, 4], [10, 30, 60], quick ? 3 : 10);
  const simple = ['s-shape', 'largest-gap', 'midpoint', 'combined'];
  const gapLiteral: number[] = [];
  const gapMetric: number[] = [];
  const gapLb: number[] = [];
  const gapOpt: number[] = [];
  const ours: number[] = [];
  const constrMs: number[] = [];
  const sums = { ours: 0, literal: 0, metric: 0, lb: 0, opt: 0, oursOnOpt: 0 };
  const groups = new Map<string, { lit: number[]; lb: number[]; opt: number[]; ms: number[] }>();
  for (const inst of instances.slice(0, 20)) sequencePicks(inst.layout, inst.picks, inst.depot, { method: 'heuristic', seed });
  for (const inst of instances) {
    const t0 = performance.now();
    const r = sequencePicks(inst.layout, inst.picks, inst.depot, { method: 'heuristic', seed, lowerBound: false });
    const ms = performance.now() - t0;
    const lb = sequencePicks(inst.layout, inst.picks, inst.depot, { method: 'heuristic', seed }).lowerBoundMm!;
    const stops = buildStops(inst.layout, inst.picks, inst.depot);
    const n = stops.points.length;
    const m = distanceMatrix(inst.layout, stops.points);
    let bestLiteral = Infinity;
    let bestMetric = Infinity;
    const tc = performance.now();
    for (const name of simple) {
      const h = heuristicsFor(inst.layout)[name](inst.layout, stops.points[0], stops.points.slice(1));
      bestLiteral = Math.min(bestLiteral, h.lengthMm);
      bestMetric = Math.min(bestMetric, tourLength(m, n, [0, ...h.order.map((i) => i + 1)]));
    }
    constrMs.push(performance.now() - tc);
    const g = groups.get(groupName(inst)) ?? { lit: [], lb: [], opt: [], ms: [] };
    groups.set(groupName(inst), g);
    sums.ours += r.lengthMm;
    sums.literal += bestLiteral;
    sums.metric += bestMetric;
    sums.lb += lb;
    gapLiteral.push(pct(r.lengthMm, bestLiteral));
    gapMetric.push(pct(r.lengthMm, bestMetric));
    gapLb.push(pct(r.lengthMm, lb));
    ours.push(ms);
    g.lit.push(pct(r.lengthMm, bestLiteral));
    g.lb.push(pct(r.lengthMm, lb));
    g.ms.push(ms);
    if (n - 1 <= 12) {
      const opt = exactRoute(m, n).lengthMm;
      sums.opt += opt;
      sums.oursOnOpt += r.lengthMm;
      gapOpt.push(pct(r.lengthMm, opt));
      g.opt.push(pct(r.lengthMm, opt));
    }
  }
  const figures: Figure[] = [
    // Total lengths as ratios; the mean per-route % is in the metric name.
    figure(
      BENCH,
      `multi-block: our total length vs best classic heuristic route (mean ${r2(mean(gapLiteral))}% per route)`,
      sums.ours,
      'mm',
      sums.literal,
      'best classic heuristic total',
    ),
    figure(
      BENCH,
      `multi-block: our total length vs best classic order on shortest paths (mean ${r2(mean(gapMetric))}% per route)`,
      sums.ours,
      'mm',
      sums.metric,
      'best classic order on shortest paths total',
    ),
    figure(
      BENCH,
      `multi-block: our total length vs Held-Karp lower bound (mean ${r2(mean(gapLb))}% per route)`,
      sums.ours,
      'mm',
      sums.lb,
      'Held-Karp lower bound total',
    ),
    figure(
      BENCH,
      `multi-block: our total length vs exact optimum, ${gapOpt.length} instances with <= 12 stops (mean ${r2(mean(gapOpt))}% per route)`,
      sums.oursOnOpt,
      'mm',
      sums.opt,
      'exact optimum total',
    ),
    figure(
      BENCH,
      'multi-block: our heuristic runtime per route',
      r2(mean(ours)),
      'ms',
      r2(mean(constrMs)),
      'the 4 classic heuristics per route',
    ),
  ];
  const rows = [...groups.entries()].map(
    ([k, g]) =>
      `| ${k} | ${mean(g.lit).toFixed(2)} | ${mean(g.lb).toFixed(2)} | ${g.opt.length ? mean(g.opt).toFixed(2) : '-'} | ${mean(g.ms).toFixed(1)} |`,
  );
  const table = [
    '| multi-block group | vs best classic % | above lower bound % | above optimum % | ms per route |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  return { figures, table };
}

/** Runs both parts; `seed` fixes the multi-block instances and the local-search kicks. */
export function measurePickpath(opts: { quick?: boolean; seed?: number; instances?: string[] }): PickpathReport {
  const seed = opts.seed ?? 1;
  const sb = measureSingleBlock(!!opts.quick, opts.instances);
  const mb = measureMultiBlock(!!opts.quick, seed);
  return { figures: [...sb.figures, ...mb.figures], markdown: `${sb.table}\n\n${mb.table}` };
}
