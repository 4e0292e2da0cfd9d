import { readFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { checkedRoutes, checkSolution } from '../../domain/routing/checker.js';
import { cvrpToProblem, parseCvrplib } from '../../domain/routing/instances/cvrplib.js';
import { parseSolomon, solomonToProblem, type SolomonConvention } from '../../domain/routing/instances/solomon.js';
import { isLiLim, liLimToProblem, parseLiLim } from '../../domain/routing/instances/lilim.js';
import { writeSol } from '../../domain/routing/instances/sol-writer.js';
import { solve } from '../../domain/routing/solver.js';

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
  /**
   * Anytime curve: the best plan the run held at each checkpoint (what a run cut off there
   * returns, the search being independent of its time limit), decoded from the solver's cost.
   */
  curve?: { atS: number; distance: number | null; vehicles: number | null; gapPct: number | null }[];
}

/** Fixed cost per vehicle of the hierarchical conventions (instances/solomon.ts, instances/lilim.ts). */
const VEHICLE_COST = 1e5;

export interface RunOptions {
  timeLimitS: number;
  seed: number;
  solutionsDir?: string;
  solomon: SolomonConvention;
  /** Seconds at which to read the anytime curve (all at most timeLimitS). */
  checkpoints?: number[];
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
export function runInstance(file: string, o: RunOptions): InstanceResult {
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
  const progress: { t: number; cost: number }[] = [];
  const sol = solve(problem, {
    seed: o.seed,
    timeLimitS: o.timeLimitS,
    onProgress: (c, t) => {
      bestAtS = t;
      progress.push({ t, cost: c });
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
  const hierarchical = !isVrp && (pdp || o.solomon === 'hierarchical');
  const curve = o.checkpoints?.map((atS) => {
    let c: number | null = null;
    for (const p of progress) if (p.t <= atS) c = p.cost;
    if (c === null) return { atS, distance: null, vehicles: null, gapPct: null };
    const vehicles = hierarchical ? Math.floor((c + 1e-6) / VEHICLE_COST) : null;
    // CVRP and Solomon cost 1 per unit of distance (costPerKm 1000 on metre-valued matrices).
    const distance = Math.round((c - (vehicles ?? 0) * VEHICLE_COST) * 100) / 100;
    return { atS, distance, vehicles, gapPct: bks ? Math.round(((distance - bks) / bks) * 1e4) / 100 : null };
  });
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
    ...(curve ? { curve } : {}),
  };
  if (!isVrp) {
    res.bksVehicles = bksVehicles;
    res.convention = pdp ? 'pdptw-hierarchical' : o.solomon;
  }
  return res;
}
