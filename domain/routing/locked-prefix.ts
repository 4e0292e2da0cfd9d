import { matrixOf, type RoutingProblem } from './routing.schemas.js';

/**
 * Re-optimisation with dispatched stops: a vehicle's locked jobs are replayed from its shift
 * start, and the vehicle is replaced by one that starts where the last locked stop ends, at its
 * departure time, with the capacity, duration and distance left (locked stops are treated as
 * deliveries; their breaks are still to be taken after the prefix). The solver then plans the free jobs
 * only; `toOriginal` maps its routes back and puts the locked stops in front.
 */
export interface LockedReduction {
  problem: RoutingProblem;
  /** Original job index of each reduced job. */
  jobOf: number[];
  /** Original-index route of each vehicle's locked stops. */
  lockedOf: number[][];
}

/** Builds the reduced problem; throws when a job is locked twice or does not exist. */
export function reduceLocked(p: RoutingProblem): LockedReduction {
  const n = p.matrix.n;
  const locked = new Set<number>();
  const lockedOf: number[][] = [];
  const vehicles = p.vehicles.map((veh) => {
    const L = veh.lockedJobs;
    lockedOf.push(L.slice());
    if (L.length === 0) return veh;
    const mx = matrixOf(p, veh);
    let here = veh.startIndex;
    let t = veh.shiftStartS;
    let w = 0;
    let vol = 0;
    let pal = 0;
    let meters = 0;
    for (const j of L) {
      const job = p.jobs[j];
      if (!job) throw new RangeError(`vehicle ${veh.id}: locked job ${j} does not exist`);
      if (locked.has(j)) throw new RangeError(`job ${job.id} is locked on two vehicles`);
      locked.add(j);
      t += mx.durationS[here * n + job.locationIndex];
      meters += mx.distanceM[here * n + job.locationIndex];
      if (job.timeWindow && t < job.timeWindow.startS) t = job.timeWindow.startS;
      t += job.serviceS;
      w += job.weightG;
      vol += job.volumeCm3;
      pal += job.pallets;
      here = job.locationIndex;
    }
    const spentS = t - veh.shiftStartS;
    return {
      ...veh,
      startIndex: here,
      shiftStartS: t,
      // The vehicle is on the road already: opening it costs nothing more.
      fixedCost: 0,
      capacityWeightG: Math.max(0, veh.capacityWeightG - w),
      capacityVolumeCm3: Math.max(0, veh.capacityVolumeCm3 - vol),
      capacityPallets: Math.max(0, veh.capacityPallets - pal),
      maxDistanceM: veh.maxDistanceM === undefined ? undefined : Math.max(1e-9, veh.maxDistanceM - meters),
      maxDurationS: veh.maxDurationS === undefined ? undefined : Math.max(1e-9, veh.maxDurationS - spentS),
      lockedJobs: [],
    };
  });
  const jobOf: number[] = [];
  const jobs = [];
  for (let j = 0; j < p.jobs.length; j++) {
    if (locked.has(j)) continue;
    jobOf.push(j);
    jobs.push(p.jobs[j]);
  }
  const reduced = new Map(jobOf.map((orig, k) => [orig, k]));
  const pairs = [];
  for (const pr of p.pairs) {
    const a = reduced.get(pr.pickupIndex);
    const b = reduced.get(pr.deliveryIndex);
    if (a !== undefined && b !== undefined) pairs.push({ pickupIndex: a, deliveryIndex: b });
    else if (a !== undefined || b !== undefined)
      throw new RangeError(`pair ${p.jobs[pr.pickupIndex].id}→${p.jobs[pr.deliveryIndex].id}: lock both jobs of a pair or neither`);
  }
  return { problem: { matrix: p.matrix, matrices: p.matrices, vehicles, jobs, pairs, coordinates: p.coordinates }, jobOf, lockedOf };
}
