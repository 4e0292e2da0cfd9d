import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import { randomProblem } from './random-problem.js';
import type { RoutingSolution } from './routing.schemas.js';
import { solve } from './solver.js';

const asChecked = (s: RoutingSolution) => s.routes.map((r) => ({ vehicleIndex: r.vehicleIndex, jobs: r.stops.map((x) => x.jobIndex) }));
const fixed = { timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 400 };

describe('solve', () => {
  const cases = [
    { name: 'CVRP', seed: 1, o: { jobs: 40, vehicles: 8 } },
    { name: 'VRPTW', seed: 2, o: { jobs: 40, vehicles: 10, timeWindows: true } },
    { name: 'heterogeneous multi-depot VRPTW', seed: 3, o: { jobs: 50, vehicles: 12, timeWindows: true, heterogeneous: true } },
  ];
  for (const c of cases) {
    it(`${c.name}: serves every job feasibly and the checker agrees with the reported cost`, () => {
      const p = randomProblem(c.seed, c.o);
      const s = solve(p, { ...fixed, seed: 7 });
      expect(s.unassigned).toEqual([]);
      const report = checkSolution(p, asChecked(s));
      expect(report.violations).toEqual([]);
      expect(s.cost).toBeCloseTo(report.cost, 6);
      expect(s.distanceM).toBeCloseTo(report.distanceM, 6);
      expect(s.durationS).toBeCloseTo(report.durationS, 6);
      expect(s.vehiclesUsed).toBe(report.vehiclesUsed);
    });
  }

  for (const construction of ['regret', 'greedy'] as const) {
    it(`serves every job exactly once when constructed by ${construction} insertion only`, () => {
      const p = randomProblem(12, { jobs: 40, vehicles: 10, timeWindows: true });
      const s = solve(p, { ...fixed, seed: 2, construction });
      expect(s.unassigned).toEqual([]);
      expect(checkSolution(p, asChecked(s)).violations).toEqual([]);
    });
  }

  it('is deterministic for a seed and differs across seeds', () => {
    const p = randomProblem(4, { jobs: 45, vehicles: 10, timeWindows: true });
    const a = solve(p, { ...fixed, seed: 11 });
    const b = solve(p, { ...fixed, seed: 11 });
    expect(asChecked(a)).toEqual(asChecked(b));
    expect(a.cost).toBe(b.cost);
    const costs = new Set([12, 13, 14, 15].map((seed) => solve(p, { ...fixed, seed, maxIterations: 30 }).cost));
    expect(costs.size).toBeGreaterThan(1);
  });

  it('reports stop timings consistent with windows, service and loads', () => {
    const p = randomProblem(5, { jobs: 30, vehicles: 8, timeWindows: true });
    const s = solve(p, { ...fixed, seed: 1 });
    for (const r of s.routes) {
      let load = r.loadWeightG;
      for (const stop of r.stops) {
        const job = p.jobs[stop.jobIndex];
        expect(stop.startS).toBeGreaterThanOrEqual(stop.arrivalS);
        expect(stop.startS).toBeGreaterThanOrEqual(job.timeWindow!.startS);
        expect(stop.startS).toBeLessThanOrEqual(job.timeWindow!.endS);
        expect(stop.departureS).toBe(stop.startS + (job.serviceS ?? 0));
        load -= job.weightG ?? 0;
        expect(stop.loadAfterWeightG).toBeCloseTo(load, 9);
      }
      expect(r.endS).toBeGreaterThanOrEqual(r.stops[r.stops.length - 1].departureS);
    }
  });

  it('improves on its construction and reports progress with decreasing best costs', () => {
    const p = randomProblem(6, { jobs: 60, vehicles: 12 });
    const seen: number[] = [];
    const s = solve(p, { ...fixed, maxIterations: 1500, seed: 3, onProgress: (c) => seen.push(c) });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThan(seen[i - 1]);
    expect(s.cost).toBeCloseTo(seen[seen.length - 1], 6);
  });

  it('stops when shouldStop says so and still returns a complete plan', () => {
    const p = randomProblem(7, { jobs: 40, vehicles: 10 });
    let polls = 0;
    const s = solve(p, { timeLimitS: Number.POSITIVE_INFINITY, seed: 1, shouldStop: () => ++polls > 2 });
    expect(s.iterations).toBeLessThanOrEqual(96);
    expect(checkSolution(p, asChecked(s)).feasible).toBe(true);
  });

  it('leaves a job unassigned when no vehicle can take it', () => {
    const p = randomProblem(8, { jobs: 10, vehicles: 3 });
    p.jobs[0].weightG = 1e9;
    const s = solve(p, { ...fixed, maxIterations: 50, seed: 1 });
    expect(s.unassigned).toEqual([{ jobIndex: 0, jobId: 'j0', reason: 'capacity' }]);
    expect(checkSolution(p, asChecked(s), { allowUnassigned: true }).feasible).toBe(true);
  });

  it('rejects a problem that points outside its matrix', () => {
    const p = randomProblem(9, { jobs: 3, vehicles: 1 });
    p.jobs[0].locationIndex = 99;
    expect(() => solve(p, fixed)).toThrow(RangeError);
  });
});

describe('solve edge cases', () => {
  it('returns an empty plan at once when there are no jobs', () => {
    const p = randomProblem(10, { jobs: 0, vehicles: 2 });
    const s = solve(p, { seed: 1, timeLimitS: 60 });
    expect(s).toMatchObject({ routes: [], unassigned: [], cost: 0, vehiclesUsed: 0, iterations: 0 });
  });
});

describe('solve with unreachable pairs', () => {
  it('routes around an Infinity leg instead of producing NaN costs', () => {
    const p = randomProblem(30, { jobs: 12, vehicles: 4 });
    const n = p.matrix.n;
    const d = Array.from(p.matrix.distanceM);
    const t = Array.from(p.matrix.durationS);
    // Jobs 0 and 1 (locations 1 and 2) cannot reach each other directly.
    d[1 * n + 2] = d[2 * n + 1] = Infinity;
    t[1 * n + 2] = t[2 * n + 1] = Infinity;
    p.matrix = { n, distanceM: d, durationS: t };
    const s = solve(p, { ...fixed, seed: 4 });
    expect(Number.isFinite(s.cost)).toBe(true);
    expect(s.unassigned).toEqual([]);
    for (const r of s.routes) {
      const ids = r.stops.map((x) => x.jobIndex);
      for (let i = 1; i < ids.length; i++) expect([ids[i - 1], ids[i]].sort().join()).not.toBe('0,1');
    }
    expect(checkSolution(p, asChecked(s)).violations).toEqual([]);
  });
});

describe('solve over longer runs', () => {
  it('never returns a worse plan for a doubled budget on the same seed (vehicles first, then cost)', () => {
    for (const seed of [1, 2, 3]) {
      const p = randomProblem(40 + seed, { jobs: 45, vehicles: 12, timeWindows: true, heterogeneous: true });
      // Budgets of at least one shortest epoch (500 iterations for 45 jobs), each the double of the last.
      const costs = [600, 1200, 2400].map((maxIterations) => solve(p, { seed, timeLimitS: Number.POSITIVE_INFINITY, maxIterations }).cost);
      expect(costs[1]).toBeLessThanOrEqual(costs[0] + 1e-6);
      expect(costs[2]).toBeLessThanOrEqual(costs[1] + 1e-6);
    }
  });

  it("repeats the shorter run epoch for epoch: the doubled run holds the shorter run's best on its way", () => {
    const p = randomProblem(7, { jobs: 30, vehicles: 8, timeWindows: true });
    const opts = { seed: 5, timeLimitS: Number.POSITIVE_INFINITY, minEpochIterations: 100 };
    const short = solve(p, { ...opts, maxIterations: 400 });
    const seen: number[] = [];
    const long = solve(p, { ...opts, maxIterations: 800, onProgress: (c) => seen.push(c) });
    expect(seen).toContain(short.cost);
    expect(long.cost).toBeLessThanOrEqual(short.cost + 1e-6);
  });
});
