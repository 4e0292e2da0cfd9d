import { describe, expect, it } from 'vitest';
import { Rng } from '../prng.js';
import { Splitter, splitBellman, type SplitInput } from './split.js';

/** Random Euclidean instance: jobs 0..n-1, depot n. */
function instance(seed: number, n: number, cap: number, fixed = 0): SplitInput {
  const rng = new Rng(seed);
  const N = n + 1;
  const xs = Array.from({ length: N }, () => rng.next() * 100);
  const ys = Array.from({ length: N }, () => rng.next() * 100);
  const cost = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) cost[i * N + j] = Math.round(Math.hypot(xs[i] - xs[j], ys[i] - ys[j]));
  const demand = new Float64Array(N);
  for (let j = 0; j < n; j++) demand[j] = 1 + rng.int(10);
  return { N, cost, depot: n, fixed, loads: [demand], caps: [cap] };
}

function routeCost(s: SplitInput, r: number[]): number {
  let c = s.cost[s.depot * s.N + r[0]] + s.cost[r[r.length - 1] * s.N + s.depot] + s.fixed;
  for (let k = 1; k < r.length; k++) c += s.cost[r[k - 1] * s.N + r[k]];
  return c;
}

describe('Split (linear, hard capacity)', () => {
  it('returns the optimum of the quadratic Bellman split, on routes that keep the tour order and fit', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const n = 5 + (seed % 30);
      const s = instance(seed, n, 10 + (seed % 25), seed % 3 === 0 ? 50 : 0);
      const rng = new Rng(seed * 7);
      const tour = Array.from({ length: n }, (_, k) => k);
      rng.shuffle(tour);
      const res = new Splitter(s).split(tour)!;
      expect(res.cost).toBeCloseTo(splitBellman(s, tour), 6);
      expect(res.routes.flat()).toEqual(tour);
      let total = 0;
      for (const r of res.routes) {
        expect(r.reduce((a, j) => a + s.loads[0][j], 0)).toBeLessThanOrEqual(s.caps[0]);
        total += routeCost(s, r);
      }
      expect(total).toBeCloseTo(res.cost, 6);
    }
  });

  it('puts everything in one route when the capacity allows and routes cost nothing to join', () => {
    const s = instance(3, 6, 1000);
    // A depot at the same point as every job: one route is as cheap as any, and fixed costs favour one.
    s.cost.fill(0);
    s.fixed = 1;
    const res = new Splitter(s).split([0, 1, 2, 3, 4, 5])!;
    expect(res.routes).toEqual([[0, 1, 2, 3, 4, 5]]);
    expect(res.cost).toBe(1);
  });

  it('refuses a tour with a job heavier than the vehicle', () => {
    const s = instance(4, 5, 10);
    s.loads[0][2] = 11;
    expect(new Splitter(s).split([0, 1, 2, 3, 4])).toBeNull();
  });

  it('respects every load dimension', () => {
    const s = instance(5, 12, 1000);
    const volume = new Float64Array(s.N).fill(1);
    s.loads.push(volume);
    s.caps.push(3);
    const tour = Array.from({ length: 12 }, (_, k) => k);
    const res = new Splitter(s).split(tour)!;
    for (const r of res.routes) expect(r.length).toBeLessThanOrEqual(3);
    expect(res.cost).toBeCloseTo(splitBellman(s, tour), 6);
  });
});
