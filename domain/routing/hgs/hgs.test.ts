import { describe, expect, it } from 'vitest';
import { checkSolution } from '../checker.js';
import { cvrpToProblem } from '../instances/cvrplib.js';
import { compileModel } from '../model.js';
import { Rng } from '../prng.js';
import { randomProblem } from '../random-problem.js';
import { routingProblemSchema } from '../routing.schemas.js';
import { SolutionState } from '../solution-state.js';
import { hgsApplies, hgsDefaultMaxJobs, loadFill, SISR_PREFIX_MAX_FILL } from './hgs.js';
import type { RoutingProblemInput, RoutingSolution } from '../routing.schemas.js';
import { solve } from '../solver.js';

const asChecked = (s: RoutingSolution) => s.routes.map((r) => ({ vehicleIndex: r.vehicleIndex, jobs: r.stops.map((x) => x.jobIndex) }));

/** A CVRPLIB-like problem (X-set conventions): one depot, one vehicle per job, weight capacity only. */
function cvrp(seed: number, jobs: number): RoutingProblemInput {
  const rng = new Rng(seed);
  const coords: [number, number][] = Array.from({ length: jobs + 1 }, () => [rng.int(1000), rng.int(1000)]);
  const demands = coords.map((_, i) => (i === 0 ? 0 : 1 + rng.int(20)));
  return cvrpToProblem({ name: 't', capacity: 60, coords, demands, depot: 0, nodeIds: coords.map((_, i) => i + 1) });
}

// Small populations and short annealings keep the test quick; the budget is in individuals.
const small = { algorithm: 'hgs' as const, timeLimitS: Number.POSITIVE_INFINITY, hgs: { mu: 3, lambda: 3 } };

describe('solve with algorithm hgs', () => {
  it('applies to these capacity-only problems and not to time windows', () => {
    const applies = (p: RoutingProblemInput) => hgsApplies(new SolutionState(compileModel(routingProblemSchema.parse(p))));
    expect(applies(cvrp(1, 30))).toBe(true);
    expect(applies(randomProblem(5, { jobs: 20, vehicles: 20, timeWindows: true }))).toBe(false);
    const few = cvrp(1, 30);
    few.vehicles = few.vehicles.slice(0, 10);
    expect(applies(few)).toBe(false);
  });

  it('serves every job on routes the independent checker accepts, at the cost it reports', () => {
    const p = cvrp(1, 30);
    const s = solve(p, { ...small, seed: 3, maxIterations: 20 });
    expect(s.unassigned).toEqual([]);
    const report = checkSolution(p, asChecked(s));
    expect(report.violations).toEqual([]);
    expect(s.cost).toBeCloseTo(report.cost, 6);
  });

  it('is reproducible from the seed', () => {
    const p = cvrp(2, 30);
    const a = solve(p, { ...small, seed: 5, maxIterations: 20 });
    const b = solve(p, { ...small, seed: 5, maxIterations: 20 });
    expect(asChecked(a)).toEqual(asChecked(b));
  });

  it('never returns a worse plan for a longer run on the same seed, and passes through the shorter run', () => {
    for (const seed of [1, 2, 3]) {
      const p = cvrp(10 + seed, 30);
      const budgets = [5, 12, 25, 40];
      const costs = budgets.map((maxIterations) => solve(p, { ...small, seed, maxIterations }).cost);
      for (let k = 1; k < costs.length; k++) expect(costs[k]).toBeLessThanOrEqual(costs[k - 1] + 1e-6);
      const seen: number[] = [];
      solve(p, { ...small, seed, maxIterations: 40, onProgress: (c) => seen.push(c) });
      expect(seen).toContain(costs[1]);
    }
  });

  it('runs the feasible-only education (hard-capacity local search, with and without SISR annealing) as well', () => {
    const p = cvrp(4, 25);
    for (const annealPerJob of [0, 2]) {
      const s = solve(p, { ...small, seed: 1, maxIterations: 15, hgs: { education: 'anneal', annealPerJob, mu: 3, lambda: 3 } });
      expect(checkSolution(p, asChecked(s)).violations).toEqual([]);
    }
  });

  it('uses coordinates when the problem has them (polar sectors), and solves without them too', () => {
    const p = cvrp(6, 40);
    const withXy = solve(p, { ...small, seed: 2, maxIterations: 15, hgs: { mu: 3, lambda: 3, polarAbove: 0 } });
    const bare = { ...p, coordinates: undefined };
    const without = solve(bare, { ...small, seed: 2, maxIterations: 15 });
    const off = solve(p, { ...small, seed: 2, maxIterations: 15, hgs: { mu: 3, lambda: 3, polar: false } });
    // At 40 jobs the default stays on the matrix-only rules (polarAbove 300).
    const small40 = solve(p, { ...small, seed: 2, maxIterations: 15 });
    expect(asChecked(small40)).toEqual(asChecked(without));
    for (const s of [withXy, without, off]) {
      expect(s.unassigned).toEqual([]);
      expect(checkSolution(p, asChecked(s)).violations).toEqual([]);
    }
    // polar: false is the matrix-only search exactly, coordinates or not.
    expect(asChecked(off)).toEqual(asChecked(without));
    expect(() => solve({ ...p, coordinates: [[0, 0]] }, { ...small, maxIterations: 2 })).toThrow(/coordinates/);
  });

  it('leaves problems with time windows on the SISR path (same plan as algorithm sisr)', () => {
    const p = randomProblem(5, { jobs: 20, vehicles: 20, timeWindows: true });
    const o = { seed: 2, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 300 };
    expect(asChecked(solve(p, { ...o, algorithm: 'hgs' }))).toEqual(asChecked(solve(p, { ...o, algorithm: 'sisr' })));
  });

  it('runs HGS above 300 jobs only with coordinates and a budget of at least 10 s', () => {
    expect(hgsDefaultMaxJobs(true, 30)).toBe(400);
    expect(hgsDefaultMaxJobs(true, 10)).toBe(400);
    expect(hgsDefaultMaxJobs(true, 9.99)).toBe(300);
    expect(hgsDefaultMaxJobs(true, 1)).toBe(300);
    expect(hgsDefaultMaxJobs(true, Number.POSITIVE_INFINITY)).toBe(400);
    expect(hgsDefaultMaxJobs(false, 30)).toBe(300);
  });

  it('above 300 jobs, a run of 10 s or more starts from a fixed SISR run, and a longer one replays it', () => {
    // 310 jobs of 1-20 units, capacity 200 (about 17 routes, as on X-n303).
    const rng = new Rng(3);
    const coords: [number, number][] = Array.from({ length: 311 }, () => [rng.int(1000), rng.int(1000)]);
    const demands = coords.map((_, i) => (i === 0 ? 0 : 1 + rng.int(20)));
    const p = cvrpToProblem({ name: 'large', capacity: 200, coords, demands, depot: 0, nodeIds: coords.map((_, i) => i + 1) });
    const hgs = { sisrPrefixPerJob: 20, mu: 2, lambda: 2, initialFactor: 1 };
    // The SISR run alone, on a clock of 1 ms per reading (it reads it `reads` times).
    const sisr: number[] = [];
    let reads = 0;
    solve(p, {
      seed: 2,
      algorithm: 'sisr',
      hgs,
      maxIterations: 20 * 310,
      timeLimitS: 1e6,
      now: () => ++reads,
      onProgress: (c) => sisr.push(c),
    });
    // The same clock for as many readings and a few more, then 3 s per reading: the HGS phase is
    // then a few offspring. Every run reads it in the same order, so runs replay.
    const run = (timeLimitS: number): number[] => {
      let t = 0;
      let k = 0;
      const costs: number[] = [];
      const s = solve(p, { seed: 2, timeLimitS, hgs, now: () => (t += ++k <= reads + 3 ? 1 : 3000), onProgress: (c) => costs.push(c) });
      expect(checkSolution(p, asChecked(s)).violations).toEqual([]);
      return costs;
    };
    const at10 = run(10);
    const at14 = run(14);
    expect(at10.slice(0, sisr.length)).toEqual(sisr);
    expect(at14.slice(0, at10.length)).toEqual(at10);
    expect(at10.at(-1)!).toBeLessThanOrEqual(sisr.at(-1)!);
    expect(at14.at(-1)!).toBeLessThanOrEqual(at10.at(-1)!);
  });

  it('skips the SISR prefix where the loads fill their fewest routes to 99 % or more, and HGS alone passes the checker', () => {
    // The instance of the test above (310 jobs of 1-20 units) with a capacity a little above
    // total / 17: 17 routes carry more than 99 % of their capacity (X-n351-k40: 99.3 %).
    const rng = new Rng(3);
    const coords: [number, number][] = Array.from({ length: 311 }, () => [rng.int(1000), rng.int(1000)]);
    const demands = coords.map((_, i) => (i === 0 ? 0 : 1 + rng.int(20)));
    const total = demands.reduce((a, b) => a + b, 0);
    const problem = (capacity: number) =>
      cvrpToProblem({ name: 'fill', capacity, coords, demands, depot: 0, nodeIds: coords.map((_, i) => i + 1) });
    const fill = (p: RoutingProblemInput) => loadFill(new SolutionState(compileModel(routingProblemSchema.parse(p))));
    const tight = problem(Math.ceil(total / 17));
    expect(fill(tight)).toBeGreaterThanOrEqual(SISR_PREFIX_MAX_FILL);
    expect(fill(problem(200))).toBeLessThan(SISR_PREFIX_MAX_FILL);
    const hgs = { sisrPrefixPerJob: 20, mu: 2, lambda: 2, initialFactor: 1 };
    // One clock for both runs: 1 ms per reading for 100 readings, then 3 s (a few offspring).
    const run = (h: typeof hgs) => {
      let t = 0;
      let k = 0;
      return solve(tight, { seed: 2, timeLimitS: 10, hgs: h, now: () => (t += ++k <= 100 ? 1 : 3000) });
    };
    const dflt = run(hgs);
    expect(asChecked(dflt)).toEqual(asChecked(run({ ...hgs, sisrPrefixPerJob: 0 })));
    expect(dflt.unassigned).toEqual([]);
    expect(checkSolution(tight, asChecked(dflt)).violations).toEqual([]);
  });

  it('tries one route fewer on a tightly packed instance, and every plan passes the checker', () => {
    // Jobs of 55-70 units and of 1-9 units, capacity 144: two large jobs share a route only with
    // few small ones, as in X-n153-k22.
    const rng = new Rng(9);
    const coords: [number, number][] = Array.from({ length: 41 }, () => [rng.int(1000), rng.int(1000)]);
    const demands = coords.map((_, i) => (i === 0 ? 0 : i <= 14 ? 55 + rng.int(16) : 1 + rng.int(9)));
    const p = cvrpToProblem({ name: 'tight', capacity: 144, coords, demands, depot: 0, nodeIds: coords.map((_, i) => i + 1) });
    for (const fewerRoutes of [0, 0.5, 1]) {
      const s = solve(p, { ...small, seed: 4, maxIterations: 60, hgs: { mu: 3, lambda: 3, fewerRoutes } });
      expect(s.unassigned).toEqual([]);
      expect(checkSolution(p, asChecked(s)).violations).toEqual([]);
    }
  });
});
