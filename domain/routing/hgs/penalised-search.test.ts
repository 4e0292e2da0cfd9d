import { describe, expect, it } from 'vitest';
import { Rng } from '../prng.js';
import { correlated } from './penalised-hgs.js';
import { PenalisedSearch, type CvrpData } from './penalised-search.js';
import { CapacityPenalty } from './penalty.js';
import { SoftSplitter } from './soft-split.js';
import { Splitter } from './split.js';

/** Random instance: jobs 0..n-1, depot n; asymmetric when asked (one-way detours). */
function instance(seed: number, n: number, cap: number, asymmetric = false, fixed = 0): CvrpData {
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
  return { J: n, N, depot: n, cost, demand, cap, fixed, near: correlated(n, nb, K, 8) };
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
    for (let seed = 1; seed <= 30; seed++) {
      const n = 10 + (seed % 25);
      const d = instance(seed, n, 15 + (seed % 20), seed % 2 === 0, seed % 5 === 0 ? 40 : 0);
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
