import { describe, expect, it } from 'vitest';
import { Rng } from '../prng.js';
import { correlated } from './penalised-hgs.js';
import { circleMod, PenalisedSearch, polarAngles, sectorsOverlap, type CvrpData } from './penalised-search.js';
import { giantTour } from './giant-tour.js';
import { CapacityPenalty } from './penalty.js';
import { SoftSplitter } from './soft-split.js';
import { Splitter } from './split.js';

/** Random instance: jobs 0..n-1, depot n; asymmetric when asked (one-way detours). */
function instance(seed: number, n: number, cap: number, asymmetric = false, fixed = 0, withXy = false): CvrpData {
  const rng = new Rng(seed);
  const N = n + 1;
  const xs = Array.from({ length: N }, () => rng.next() * 100);
  const ys = Array.from({ length: N }, () => rng.next() * 100);
  const cost = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++)
      cost[i * N + j] = Math.round(Math.hypot(xs[i] - xs[j], ys[i] - ys[j])) + (asymmetric && i < j ? rng.int(15) : 0);
  const demand = new Float64Array(N);
  for (let j = 0; j < n; j++) demand[j] = 1 + rng.int(10);
  const K = n - 1;
  const nb = new Int32Array(n * K);
  for (let i = 0; i < n; i++) {
    const o = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => cost[i * N + a] - cost[i * N + b]);
    for (let k = 0; k < K; k++) nb[i * K + k] = o[k];
  }
  const xy = withXy ? Float64Array.from(xs.flatMap((x, i) => [x, ys[i]])) : null;
  return { J: n, N, depot: n, cost, demand, cap, fixed, near: correlated(n, nb, K, 8), xy };
}

function evaluate(d: CvrpData, routes: number[][], penalty: number): { distance: number; excess: number; cost: number } {
  let distance = 0;
  let excess = 0;
  for (const r of routes) {
    if (r.length === 0) continue;
    let at = d.depot;
    let load = 0;
    for (const j of r) {
      distance += d.cost[at * d.N + j];
      load += d.demand[j];
      at = j;
    }
    distance += d.cost[at * d.N + d.depot] + d.fixed;
    excess += Math.max(0, load - d.cap);
  }
  return { distance, excess, cost: distance + penalty * excess };
}

describe('penalised local search (HGS-CVRP education)', () => {
  it('keeps every job once, reports its own cost right and never ends worse than it started', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const n = 10 + (seed % 25);
      // Every third instance has coordinates: SWAP* then pairs routes by polar sectors.
      const d = instance(seed, n, 15 + (seed % 20), seed % 2 === 0, seed % 5 === 0 ? 40 : 0, seed % 3 === 0);
      const rng = new Rng(seed);
      const tour = Array.from({ length: n }, (_, k) => k);
      rng.shuffle(tour);
      const penalty = [0.5, 5, 50][seed % 3];
      const start = new SoftSplitter(d).split(tour, penalty);
      const ls = new PenalisedSearch(d, n);
      ls.load_(start);
      ls.penalty = penalty;
      const before = evaluate(d, start, penalty).cost;
      ls.run(rng);
      const routes = ls.routes();
      expect(routes.flat().sort((a, b) => a - b)).toEqual(tour.slice().sort((a, b) => a - b));
      const after = evaluate(d, routes, penalty);
      expect(ls.distance()).toBeCloseTo(after.distance, 6);
      expect(ls.excess()).toBeCloseTo(after.excess, 6);
      expect(after.cost).toBeLessThanOrEqual(before + 1e-6);
    }
  });

  it('leaves no improving relocation of a job next to a correlated job (a local optimum of its moves)', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const d = instance(300 + seed, 30, 20, seed % 2 === 1);
      const tour = Array.from({ length: 30 }, (_, k) => k);
      new Rng(seed).shuffle(tour);
      const ls = new PenalisedSearch(d, 30);
      ls.load_(new SoftSplitter(d).split(tour, 3));
      ls.penalty = 3;
      ls.run(new Rng(seed));
      const routes = ls.routes();
      const base = evaluate(d, routes, 3).cost;
      for (let u = 0; u < 30; u++)
        for (const v of d.near[u]) {
          // u moved right after v, every route re-priced from scratch.
          const moved = routes.map((r) => r.filter((x) => x !== u));
          const r = moved.find((x) => x.includes(v))!;
          r.splice(r.indexOf(v) + 1, 0, u);
          expect(evaluate(d, moved, 3).cost).toBeGreaterThan(base - 1e-6);
        }
    }
  });

  it('ends feasible under a prohibitive penalty from a feasible start', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const d = instance(100 + seed, 30, 25);
      const tour = Array.from({ length: 30 }, (_, k) => k);
      const hard = new Splitter({ N: d.N, cost: d.cost, depot: d.depot, fixed: 0, loads: [d.demand], caps: [d.cap] }).split(tour)!;
      const ls = new PenalisedSearch(d, 30);
      ls.load_(hard.routes);
      ls.penalty = 1e6;
      ls.run(new Rng(seed));
      expect(ls.excess()).toBe(0);
      expect(ls.distance()).toBeLessThanOrEqual(hard.cost + 1e-6);
    }
  });
});

describe('polar sectors (HGS-CVRP CircleSector)', () => {
  it('overlap on a circle of 65,536 units, across 0 too', () => {
    expect(sectorsOverlap(100, 200, 150, 300)).toBe(true);
    expect(sectorsOverlap(100, 200, 201, 300)).toBe(false);
    expect(sectorsOverlap(65000, 100, 50, 60)).toBe(true); // the first wraps through 0
    expect(sectorsOverlap(65000, 100, 200, 64000)).toBe(false);
    expect(sectorsOverlap(10, 10, 10, 10)).toBe(true);
    expect(circleMod(-1)).toBe(65535);
  });

  it('hold every job of their route after a search with coordinates, and end on jobs of the route', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const d = instance(500 + seed, 40, 25, false, 0, true);
      const angle = polarAngles(d)!;
      const tour = Array.from({ length: 40 }, (_, k) => k);
      new Rng(seed).shuffle(tour);
      const ls = new PenalisedSearch(d, 40);
      ls.load_(new SoftSplitter(d).split(tour, 5));
      ls.penalty = 5;
      ls.run(new Rng(seed));
      for (let r = 0; r < ls.R; r++) {
        if (ls.len[r] === 0) continue;
        const st = ls.secStart[r];
        const width = circleMod(ls.secEnd[r] - st);
        const inRoute: number[] = [];
        for (let k = 1; k <= ls.len[r]; k++) inRoute.push(angle[ls.at(r, k)]);
        for (const a of inRoute) expect(circleMod(a - st)).toBeLessThanOrEqual(width);
        // Both ends are angles of the route's jobs.
        expect(inRoute).toContain(st);
        expect(inRoute).toContain(ls.secEnd[r]);
      }
    }
  });

  it("order a giant tour by the polar angle of the routes' barycentres when coordinates are given", () => {
    const d = instance(7, 30, 20, false, 0, true);
    const routes = new SoftSplitter(d).split(
      Array.from({ length: 30 }, (_, k) => k),
      1e6,
    );
    const tour = giantTour(routes, 30, d.cost, d.N, d.depot, d.xy);
    const xy = d.xy!;
    const bary = (r: number[]) =>
      Math.atan2(
        r.reduce((s, j) => s + xy[2 * j + 1], 0) / r.length - xy[2 * d.depot + 1],
        r.reduce((s, j) => s + xy[2 * j], 0) / r.length - xy[2 * d.depot],
      );
    const sorted = routes.slice().sort((a, b) => bary(a) - bary(b));
    expect(Array.from(tour)).toEqual(sorted.flat());
  });
});

describe('soft split', () => {
  it('equals the hard-capacity split under a prohibitive penalty, and pays the penalty when it is cheap', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const d = instance(200 + seed, 25, 20);
      const tour = Array.from({ length: 25 }, (_, k) => k);
      new Rng(seed).shuffle(tour);
      const hard = new Splitter({ N: d.N, cost: d.cost, depot: d.depot, fixed: 0, loads: [d.demand], caps: [d.cap] }).split(tour)!;
      const soft = new SoftSplitter(d);
      expect(evaluate(d, soft.split(tour, 1e6), 1e6).cost).toBeCloseTo(hard.cost, 6);
      const cheap = evaluate(d, soft.split(tour, 0.001), 0.001);
      expect(cheap.cost).toBeLessThanOrEqual(hard.cost + 1e-6);
    }
  });
});

describe('limited-fleet soft split (route-count-minimising education)', () => {
  it('returns the cheapest cut of the tour into at most maxRoutes routes (all cut sets enumerated)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const n = 6 + (seed % 5);
      const d = instance(700 + seed, n, 12 + (seed % 7), seed % 2 === 0, seed % 4 === 0 ? 30 : 0);
      const tour = Array.from({ length: n }, (_, k) => k);
      new Rng(seed).shuffle(tour);
      const penalty = [0.3, 4, 60][seed % 3];
      const soft = new SoftSplitter(d);
      for (let K = 1; K <= n; K++) {
        // Every subset of the n - 1 cut points, kept when it gives at most K routes and every route
        // within the split's load bound of 1.5 capacities (or a single job).
        let best = Number.POSITIVE_INFINITY;
        for (let mask = 0; mask < 1 << (n - 1); mask++) {
          const routes: number[][] = [[tour[0]]];
          for (let k = 1; k < n; k++) {
            if (mask & (1 << (k - 1))) routes.push([]);
            routes[routes.length - 1].push(tour[k]);
          }
          if (routes.length > K) continue;
          if (routes.some((r) => r.length > 1 && r.reduce((a, j) => a + d.demand[j], 0) > 1.5 * d.cap)) continue;
          best = Math.min(best, evaluate(d, routes, penalty).cost);
        }
        const got = soft.split(tour, penalty, K);
        expect(got.flat()).toEqual(tour);
        if (!Number.isFinite(best)) continue;
        expect(got.length).toBeLessThanOrEqual(K);
        expect(evaluate(d, got, penalty).cost).toBeCloseTo(best, 6);
      }
    }
  });

  it('never lets the search open a route when openRoutes is off', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const d = instance(800 + seed, 35, 20, seed % 2 === 0, 0, seed % 3 === 0);
      const tour = Array.from({ length: 35 }, (_, k) => k);
      new Rng(seed).shuffle(tour);
      const total = d.demand.reduce((a, b) => a + b, 0);
      const K = Math.ceil(total / d.cap);
      const start = new SoftSplitter(d).split(tour, 5, K);
      const ls = new PenalisedSearch(d, 35);
      ls.load_(start);
      ls.openRoutes = false;
      for (const p of [5, 50, 500]) {
        ls.penalty = p;
        ls.run(new Rng(seed));
        expect(ls.routes().length).toBeLessThanOrEqual(start.length);
      }
      expect(
        ls
          .routes()
          .flat()
          .sort((a, b) => a - b),
      ).toEqual(tour.slice().sort((a, b) => a - b));
    }
  });
});

describe('packLoads', () => {
  it('removes load over the capacity without opening a route, keeping every job and its own figures right', () => {
    let packed = 0;
    let tried = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const d = instance(900 + seed, 40, 25, seed % 2 === 0);
      const tour = Array.from({ length: 40 }, (_, k) => k);
      new Rng(seed).shuffle(tour);
      const total = d.demand.reduce((a, b) => a + b, 0);
      // One route more than the loads' lower bound, split under a cheap penalty: overloaded routes.
      const start = new SoftSplitter(d).split(tour, 0.01, Math.ceil(total / d.cap) + 1);
      const ls = new PenalisedSearch(d, 40);
      ls.load_(start);
      const before = ls.excess();
      const ok = ls.packLoads();
      const routes = ls.routes();
      const after = evaluate(d, routes, 0);
      expect(routes.flat().sort((a, b) => a - b)).toEqual(tour.slice().sort((a, b) => a - b));
      expect(routes.length).toBeLessThanOrEqual(start.length);
      expect(ls.excess()).toBeCloseTo(after.excess, 6);
      expect(ls.distance()).toBeCloseTo(after.distance, 6);
      expect(after.excess).toBeLessThanOrEqual(before + 1e-9);
      expect(ok).toBe(after.excess < 1e-9);
      if (before > 0 && ok) packed++;
      if (before > 0) tried++;
    }
    // A greedy packing: it need not always succeed, but it does on a good share of these.
    expect(packed).toBeGreaterThanOrEqual(tried / 4);
  });
});

describe('capacity penalty', () => {
  it('rises when too few educations are feasible and falls when too many are', () => {
    const p = new CapacityPenalty(10);
    for (let k = 0; k < 100; k++) p.record(false);
    expect(p.value).toBeCloseTo(12, 9);
    for (let k = 0; k < 100; k++) p.record(true);
    expect(p.value).toBeCloseTo(10.2, 9);
    for (let k = 0; k < 100; k++) p.record(k % 5 === 0);
    expect(p.value).toBeCloseTo(10.2, 9);
  });
});
