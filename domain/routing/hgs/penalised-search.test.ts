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
