import { Rng } from './prng.js';
import type { RoutingProblemInput } from './routing.schemas.js';

export interface RandomProblemOptions {
  jobs: number;
  vehicles: number;
  timeWindows?: boolean;
  /** Two depots and mixed vehicle classes. */
  heterogeneous?: boolean;
  /**
   * The rules of a real fleet on top: pallets, skills (refrigerated, tail_lift, hazmat), a
   * lunch break per driver, max route distance, open routes, optional stops with penalties,
   * priorities and pickup-and-delivery pairs.
   */
  realFleet?: boolean;
}

const SKILLS = ['refrigerated', 'tail_lift', 'hazmat'];

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
  if (!o.realFleet) return { matrix: { n, distanceM: d, durationS: t }, vehicles, jobs };

  const fleetJobs = jobs.map((j) => {
    const optional = rng.next() < 0.2;
    return {
      ...j,
      pallets: 1 + rng.int(3),
      skills: rng.next() < 0.3 ? [SKILLS[rng.int(3)]] : [],
      priority: rng.int(3),
      optional,
      dropPenalty: optional ? 500 + rng.int(20_000) : undefined,
    };
  });
  // Every fourth pair of consecutive jobs becomes pickup → delivery with the same goods.
  const pairs: { pickupIndex: number; deliveryIndex: number }[] = [];
  for (let k = 0; k + 1 < fleetJobs.length; k += 8) {
    const a = fleetJobs[k];
    const b = fleetJobs[k + 1];
    b.weightG = a.weightG;
    b.volumeCm3 = a.volumeCm3;
    b.pallets = a.pallets;
    b.optional = a.optional;
    b.dropPenalty = a.dropPenalty;
    pairs.push({ pickupIndex: k, deliveryIndex: k + 1 });
  }
  const totalP = fleetJobs.reduce((s, j) => s + j.pallets, 0);
  const fleetVehicles = vehicles.map((v, k) => {
    const lunch = 3 * 3600 + rng.int(3600);
    return {
      ...v,
      // Every third vehicle ends its day at its last stop.
      endIndex: k % 3 === 2 ? undefined : v.endIndex,
      capacityPallets: Math.ceil((1.6 * totalP) / o.vehicles) + 3,
      skills: SKILLS.filter((_, i) => (k + i) % 2 === 0),
      breaks: [{ id: `lunch-${k}`, startS: lunch, endS: lunch + 3600, durationS: 1800 }],
      maxDistanceM: 150_000,
    };
  });
  return { matrix: { n, distanceM: d, durationS: t }, vehicles: fleetVehicles, jobs: fleetJobs, pairs };
}
