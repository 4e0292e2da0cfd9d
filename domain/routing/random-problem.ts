import { Rng } from './prng.js';
import type { RoutingProblemInput } from './routing.schemas.js';

export interface RandomProblemOptions {
  jobs: number;
  vehicles: number;
  timeWindows?: boolean;
  /** Two depots and mixed vehicle classes. */
  heterogeneous?: boolean;
}

/**
 * Seeded random instance for tests and demos: points on a 10 km square, 10 m/s travel,
 * vehicles with weight and volume capacity; windows (when asked) wide enough that a feasible
 * plan exists with the given fleet in most draws.
 */
export function randomProblem(seed: number, o: RandomProblemOptions): RoutingProblemInput {
  const rng = new Rng(seed);
  const depots = o.heterogeneous ? 2 : 1;
  const n = depots + o.jobs;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(rng.next() * 10_000);
    ys.push(rng.next() * 10_000);
  }
  const d: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const m = Math.round(Math.hypot(xs[i] - xs[j], ys[i] - ys[j]));
      d.push(m);
      t.push(Math.round(m / 10));
    }
  const horizonS = 8 * 3600;
  const jobs = Array.from({ length: o.jobs }, (_, k) => {
    const start = Math.floor(rng.next() * (horizonS - 7200));
    return {
      id: `j${k}`,
      locationIndex: depots + k,
      weightG: 1 + rng.int(10),
      volumeCm3: 1 + rng.int(10),
      serviceS: 60 + rng.int(240),
      timeWindow: o.timeWindows ? { startS: start, endS: start + 3600 + rng.int(3600) } : undefined,
    };
  });
  const totalW = jobs.reduce((s, j) => s + j.weightG, 0);
  const capW = Math.ceil((1.5 * totalW) / o.vehicles) + 10;
  const vehicles = Array.from({ length: o.vehicles }, (_, k) => {
    const big = o.heterogeneous && k % 2 === 1;
    return {
      id: `v${k}`,
      startIndex: o.heterogeneous ? k % depots : 0,
      endIndex: o.heterogeneous ? (k + 1) % depots : 0,
      capacityWeightG: big ? capW * 1.5 : capW,
      capacityVolumeCm3: big ? capW * 1.2 : capW,
      costPerKm: big ? 900 : 600,
      costPerHour: big ? 3000 : 2500,
      fixedCost: big ? 8000 : 5000,
      shiftStartS: 0,
      shiftEndS: horizonS + 7200,
      maxDurationS: o.timeWindows ? horizonS + 3600 : undefined,
    };
  });
  return { matrix: { n, distanceM: d, durationS: t }, vehicles, jobs };
}
