import { readFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { checkedRoutes, checkSolution } from '../../domain/routing/checker.js';
import { cvrpToProblem, parseCvrplib } from '../../domain/routing/instances/cvrplib.js';
import { parseSolomon, solomonToProblem, type SolomonConvention } from '../../domain/routing/instances/solomon.js';
import { isLiLim, liLimToProblem, parseLiLim } from '../../domain/routing/instances/lilim.js';
import { writeSol } from '../../domain/routing/instances/sol-writer.js';
import { type SolveOptions } from '../../domain/routing/solver.js';
import type { HgsParams } from '../../domain/routing/hgs/hgs.js';
import { solveParallel } from '../../domain/routing/parallel.js';

/** One benchmark result line, as printed by `npm run bench:routing -- --json`. */
export interface InstanceResult {
  instance: string;
  cost: number;
  bks: number | null;
  gapPct: number | null;
  timeS: number;
  vehicles: number;
  feasible: boolean;
  seed: number;
  bksVehicles?: number | null;
  convention?: string;
  iterations: number;
  /** Time at which the final best was first reached. */
  bestAtS: number;
  /** Solver variant (see VARIANTS). */
  variant: string;
  /** Search threads of the variant (more than 1: that many cores, each with the whole budget). */
  threads: number;
  /**
   * Anytime curve: what a separate run of each checkpoint's length returns on the same seed
   * (the epochs are sized to the budget, so a longer run's intermediate best is not it).
   */
  curve?: { atS: number; distance: number | null; vehicles: number | null; gapPct: number | null }[];
}

/**
 * Solver variants for same-run comparisons (`--variants budget,prefix`): `default` is the
 * solver's default (`prefix` on the vehicles-first Solomon and Li & Lim classes; on X, HGS up to
 * 300 customers, 400 with coordinates as the CVRPLIB reader gives and a budget of 10 s or more, there from a SISR prefix, and SISR's `budget` beyond); `sisr` is SISR on every instance;
 * `budget` is the budget-sized epochs (the default on every class before the prefix schedule,
 * the same-run baseline of issue 17's time-window work); `prefix` is the budget-independent
 * schedule with a distance-recovery phase after each route elimination; `hgs` is the hybrid genetic
 * search on capacity-only problems (hgs/hgs.ts); `single` is one cool-down over the whole budget, which reproduces the
 * solver before epochs (commit 9504a49^) exactly at a fixed iteration count; `independent` is
 * the budget-independent doubling schedule of 9504a49. The SISR schedule variants set
 * `algorithm: 'sisr'` so that they stay SISR on the small X instances.
 */
export const VARIANTS: Record<string, SolveOptions> = {
  default: {},
  // SISR on every problem (the default on the X set before HGS up to 300 customers).
  sisr: { algorithm: 'sisr' },
  budget: { algorithm: 'sisr', schedule: 'budget' },
  prefix: { algorithm: 'sisr', schedule: 'prefix' },
  // The prefix schedule restarting each recovery at a quarter of the first heat (its default until
  // 2026-11-30 13:40): the same-run baseline of the hot restarts.
  'prefix-cold': { algorithm: 'sisr', schedule: 'prefix', restartHeat: 0.25 },
  // The second core: a helper thread searching with another seed, sharing the best plan.
  'two-threads': { threads: 2 },
  // The hybrid genetic search on capacity-only problems (hgs/hgs.ts), one and two threads.
  hgs: { algorithm: 'hgs' },
  'hgs-two-threads': { algorithm: 'hgs', threads: 2 },
  // HGS's matrix-only rules even where the instance has coordinates (before HGS-CVRP's polar
  // sectors for SWAP* and polar giant tours): the same-run baseline of that change.
  'no-polar': { hgs: { polar: false } },
  'hgs-no-polar': { algorithm: 'hgs', hgs: { polar: false } },
  // HGS without the route-count-minimising education (penalised-hgs.ts educateFewer): its same-run baseline.
  'no-fewer': { hgs: { fewerRoutes: 0 } },
  // HGS above 300 jobs from its own construction, without the SISR prefix (hgs.ts hgsSisrPrefixIterations).
  'no-prefix': { hgs: { sisrPrefixPerJob: 0 } },
  // Pure HGS education (granular local search + SWAP*, HGS-CVRP's population sizes), for the record.
  'hgs-ls': { algorithm: 'hgs', hgs: { education: 'anneal', annealPerJob: 0, mu: 25, lambda: 40 } },
  // The HGS of commit 731ea2c: feasible individuals only, educated by a short SISR annealing.
  'hgs-anneal': { algorithm: 'hgs', hgs: { education: 'anneal', mu: 4, lambda: 4 } },
  'swap-star': { algorithm: 'sisr', swapStar: true },
  single: { algorithm: 'sisr', minEpochS: Number.POSITIVE_INFINITY, minEpochIterations: Number.POSITIVE_INFINITY },
  independent: { algorithm: 'sisr', schedule: 'independent' },
};

/** Threads a variant searches on (solveParallel's `threads`; 1 unless the variant sets more). */
export function variantThreads(variant: string): number {
  return VARIANTS[variant]?.threads ?? 1;
}

/**
 * How a variant's runs are budgeted, for the bench's output: a multi-thread variant uses that many
 * cores, and on the CPU clock each of its threads gets the whole checkpoint in CPU seconds.
 */
export function variantLabel(variant: string, clock: 'wall' | 'cpu' | undefined): string {
  const t = variantThreads(variant);
  if (t === 1) return `${variant} (1 thread)`;
  return `${variant} (${t} threads${clock === 'cpu' ? `, each thread the checkpoint's CPU seconds: ${t}× the CPU of a 1-thread run` : ', same wall time as a 1-thread run'})`;
}

export interface RunOptions {
  timeLimitS: number;
  seed: number;
  solutionsDir?: string;
  solomon: SolomonConvention;
  /** Seconds at which run.ts reads the anytime curve (one run each). */
  checkpoints?: number[];
  /** Key of VARIANTS (default: the solver's default). */
  variant?: string;
  /** Budget in ruin-and-recreate iterations instead of time (deterministic: no clock, no load). */
  maxIterations?: number;
  /** 'cpu': time limits in CPU seconds of each solving thread (load-independent curves). */
  clock?: 'wall' | 'cpu';
  /** HGS parameters laid over every variant's (`--hgs '{"mu":8}'`), for screening. */
  hgs?: Partial<HgsParams>;
  /** Largest job count on which the default algorithm is HGS (`--hgs-max-jobs`), for screening. */
  hgsMaxJobs?: number;
}

type BksEntry = {
  bks?: number;
  bks_hierarchical?: { vehicles: number; distance: number };
  bks_distance_only?: { vehicles: number; distance: number };
};

function loadBks(file: string): Record<string, BksEntry> {
  const path = join(dirname(file), 'bks.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, BksEntry>) : {};
}

/** Solves one instance file (CVRPLIB .vrp or Solomon .txt), checks it independently and compares with the BKS. */
export async function runInstance(file: string, o: RunOptions): Promise<InstanceResult> {
  const text = readFileSync(file, 'utf8');
  const name = basename(file, extname(file));
  const entry = loadBks(file)[name];
  const isVrp = extname(file).toLowerCase() === '.vrp';
  // Li & Lim PDPTW files are .txt like Solomon's; their objective is always hierarchical.
  const pdp = !isVrp && isLiLim(text);
  const problem = isVrp
    ? cvrpToProblem(parseCvrplib(text))
    : pdp
      ? liLimToProblem(parseLiLim(text, name))
      : solomonToProblem(parseSolomon(text), o.solomon);
  let bestAtS = 0;
  const variant = o.variant ?? 'default';
  if (!VARIANTS[variant]) throw new Error(`unknown variant ${variant}`);
  const sol = await solveParallel(problem, {
    threads: 1,
    ...VARIANTS[variant],
    ...(o.hgs ? { hgs: { ...VARIANTS[variant].hgs, ...o.hgs } } : {}),
    ...(o.hgsMaxJobs !== undefined ? { hgsMaxJobs: o.hgsMaxJobs } : {}),
    clock: o.clock === 'cpu' ? 'thread-cpu' : 'wall',
    seed: o.seed,
    timeLimitS: o.maxIterations ? Number.POSITIVE_INFINITY : o.timeLimitS,
    maxIterations: o.maxIterations,
    onProgress: (_c, t) => {
      bestAtS = t;
    },
  });
  const check = checkSolution(problem, checkedRoutes(sol));
  // Reported cost is the checker's recomputation, not the solver's own figure.
  let cost: number;
  let bks: number | null;
  let bksVehicles: number | null = null;
  if (isVrp) {
    cost = Math.round(check.distanceM);
    bks = entry?.bks ?? null;
  } else {
    cost = Math.round(check.distanceM * 100) / 100;
    const b = o.solomon === 'hierarchical' || pdp ? entry?.bks_hierarchical : entry?.bks_distance_only;
    bks = b?.distance ?? null;
    bksVehicles = b?.vehicles ?? null;
  }
  if (o.solutionsDir) {
    mkdirSync(o.solutionsDir, { recursive: true });
    const routes = sol.routes.map((r) => r.stops.map((s) => s.jobIndex + 1));
    writeFileSync(join(o.solutionsDir, `${name}.sol`), writeSol(routes, cost));
  }
  const res: InstanceResult = {
    instance: name,
    cost,
    bks,
    gapPct: bks ? Math.round(((cost - bks) / bks) * 1e4) / 100 : null,
    timeS: Math.round(sol.elapsedS * 100) / 100,
    vehicles: check.vehiclesUsed,
    feasible: check.feasible && sol.unassigned.length === 0,
    seed: o.seed,
    iterations: sol.iterations,
    bestAtS: Math.round(bestAtS * 100) / 100,
    variant,
    threads: variantThreads(variant),
  };
  if (!isVrp) {
    res.bksVehicles = bksVehicles;
    res.convention = pdp ? 'pdptw-hierarchical' : o.solomon;
  }
  return res;
}

/**
 * Runs every variant on one instance and seed at each checkpoint, one separate run per
 * checkpoint (the last one being timeLimitS), the variants interleaved so that they share the
 * machine's load. Returns one result per variant: the full run, with the curve of the others.
 */
export async function runInstanceCurve(file: string, o: RunOptions, variants: string[]): Promise<InstanceResult[]> {
  const checkpoints = o.maxIterations
    ? [o.timeLimitS]
    : [...new Set([...(o.checkpoints ?? []).filter((c) => c < o.timeLimitS), o.timeLimitS])].sort((a, b) => a - b);
  const runs = new Map<string, InstanceResult[]>(variants.map((v) => [v, []]));
  for (const atS of checkpoints)
    for (const v of variants) runs.get(v)!.push(await runInstance(file, { ...o, timeLimitS: atS, variant: v }));
  return variants.map((v) => {
    const rs = runs.get(v)!;
    const full = rs[rs.length - 1];
    return {
      ...full,
      curve: rs.map((r, k) => ({
        atS: checkpoints[k],
        distance: r.feasible ? r.cost : null,
        vehicles: r.convention === undefined ? null : r.vehicles,
        gapPct: r.feasible ? r.gapPct : null,
      })),
    };
  });
}
