import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import { localSearch } from './local-search.js';
import { cvrpToProblem } from './instances/cvrplib.js';
import { swapStarApplies, swapStarPass } from './swap-star.js';
import { compileModel, type Model } from './model.js';
import { Rng } from './prng.js';
import { randomProblem } from './random-problem.js';
import { findBestInsertion, findNearInsertion, recreate } from './recreate.js';
import { routingProblemSchema } from './routing.schemas.js';
import { SolutionState } from './solution-state.js';

/** Brute force: full forward pass of the whole sequence for vehicle v. */
function bruteFeasible(m: Model, v: number, seq: number[]): boolean {
  let prev = m.vStart[v];
  let t = m.vShiftStart[v];
  let w = 0;
  let vol = 0;
  for (const x of [...seq, m.vEnd[v]]) {
    t = Math.max(t + m.service[prev] + m.time[prev * m.N + x], m.ready[x]);
    if (t > m.due[x]) return false;
    w += m.weight[x];
    vol += m.volume[x];
    prev = x;
  }
  return t <= m.vLatestEnd[v] && w <= m.vCapW[v] && vol <= m.vCapV[v];
}

function bruteCost(m: Model, v: number, seq: number[]): number {
  const c = m.costByClass[m.vClass[v]];
  let prev = m.vStart[v];
  let s = seq.length ? m.vFixed[v] : 0;
  for (const x of [...seq, m.vEnd[v]]) {
    s += c[prev * m.N + x];
    prev = x;
  }
  return seq.length ? s : 0;
}

describe('O(1) time-window insertion check (forward time / backward slack)', () => {
  it('finds exactly the cheapest insertion a brute-force recomputation finds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 5, max: 25 }), (seed, jobs) => {
        const p = routingProblemSchema.parse(randomProblem(seed, { jobs, vehicles: 1, timeWindows: true }));
        p.vehicles[0].shiftEndS = 6 * 3600 + (seed % 4) * 1800;
        const m = compileModel(p);
        const S = new SolutionState(m);
        // A feasible route: jobs by window start, kept only while the route stays feasible.
        const order = [...Array(m.J).keys()].sort((a, b) => m.ready[a] - m.ready[b]);
        const route: number[] = [];
        const rest: number[] = [];
        for (const j of order) {
          if (bruteFeasible(m, 0, [...route, j]) && route.length < jobs / 2) route.push(j);
          else rest.push(j);
        }
        S.routes[0].nodes = route;
        S.updateAll();
        const rng = new Rng(seed);
        for (const j of rest) {
          let best = Infinity;
          const base = bruteCost(m, 0, route);
          for (let k = 0; k <= route.length; k++) {
            const seq = [...route.slice(0, k), j, ...route.slice(k)];
            if (bruteFeasible(m, 0, seq)) best = Math.min(best, bruteCost(m, 0, seq) - base);
          }
          const got = findBestInsertion(S, j, 0, rng, new Uint8Array(1));
          if (best === Infinity) expect(got.route).toBe(-1);
          else {
            expect(got.route).toBe(0);
            expect(got.delta).toBeCloseTo(best, 6);
          }
          const near = findNearInsertion(S, j, 5, 0, rng, new Uint8Array(1));
          if (best === Infinity) expect(near.route).toBe(-1);
          else expect(near.delta).toBeGreaterThanOrEqual(best - 1e-6);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('local search', () => {
  it('keeps solutions feasible and never raises their cost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.boolean(), fc.boolean(), fc.boolean(), (seed, tw, het, star) => {
        const input = randomProblem(seed, { jobs: 30, vehicles: 10, timeWindows: tw, heterogeneous: het });
        const m = compileModel(routingProblemSchema.parse(input));
        const S = new SolutionState(m);
        S.updateAll();
        const rng = new Rng(seed);
        const jobs = [...Array(m.J).keys()];
        rng.shuffle(jobs);
        recreate(S, jobs, 0.3, rng, new Uint8Array(m.V), () => {});
        const before = S.totalCost();
        const gain = localSearch(S, rng, 30, 50, star);
        const after = S.totalCost();
        expect(after).toBeLessThanOrEqual(before + 1e-6);
        expect(before - after).toBeCloseTo(gain, 6);
        const report = checkSolution(
          input,
          S.routes.map((R) => ({ vehicleIndex: R.v, jobs: R.nodes })),
          { allowUnassigned: true },
        );
        expect(report.violations).toEqual([]);
        expect(report.cost + m.unassignedPenalty * S.unassigned.length).toBeCloseTo(after, 6);
      }),
      { numRuns: 25 },
    );
  });
});

describe('SWAP* (Vidal 2022)', () => {
  it('finds improvements after the granular moves are exhausted, keeping the plan feasible', () => {
    let found = 0;
    for (let seed = 1; seed <= 12; seed++) {
      // Capacity only: SWAP* is the CVRP neighbourhood.
      const r = new Rng(seed);
      const coords: [number, number][] = Array.from({ length: 61 }, () => [r.int(1000), r.int(1000)]);
      const input = cvrpToProblem({
        name: 'rnd',
        capacity: 100,
        coords,
        demands: coords.map((_, i) => (i ? 1 + r.int(30) : 0)),
        depot: 0,
        nodeIds: coords.map((_, i) => i + 1),
      });
      const m = compileModel(routingProblemSchema.parse(input));
      const S = new SolutionState(m);
      S.updateAll();
      const rng = new Rng(seed);
      const jobs = [...Array(m.J).keys()];
      rng.shuffle(jobs);
      recreate(S, jobs, 0.3, rng, new Uint8Array(m.V), () => {});
      localSearch(S, rng);
      expect(swapStarApplies(S)).toBe(true);
      const before = S.totalCost();
      const gain = swapStarPass(S, 30);
      expect(S.totalCost()).toBeCloseTo(before - gain, 6);
      if (gain > 0) found++;
      const report = checkSolution(
        input,
        S.routes.map((R) => ({ vehicleIndex: R.v, jobs: R.nodes })),
        { allowUnassigned: true },
      );
      expect(report.violations).toEqual([]);
    }
    expect(found).toBeGreaterThan(0);
  });
});
