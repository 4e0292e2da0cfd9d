import { routingProblemSchema, type RoutingProblemInput } from './routing.schemas.js';

/**
 * Independent solution checker: recomputes every route from the raw problem (matrix indices,
 * no solver caches or code) and lists each violated rule. Timing rule: the vehicle leaves its
 * start at shiftStartS, waits when it arrives before a window opens, serves, drives on.
 */

export interface CheckedRoute {
  vehicleIndex: number;
  /** Job indices in visiting order. */
  jobs: number[];
}

export interface CheckReport {
  feasible: boolean;
  violations: string[];
  cost: number;
  distanceM: number;
  /** Sum over used routes of (return time - shift start). */
  durationS: number;
  vehiclesUsed: number;
}

/** Checks routes against the problem; unassigned jobs count as violations unless `allowUnassigned`. */
export function checkSolution(
  input: RoutingProblemInput,
  routes: CheckedRoute[],
  opts: { allowUnassigned?: boolean; tolerance?: number } = {},
): CheckReport {
  const p = routingProblemSchema.parse(input);
  const tol = opts.tolerance ?? 1e-6;
  const n = p.matrix.n;
  const D = p.matrix.distanceM;
  const T = p.matrix.durationS;
  const violations: string[] = [];
  const seen = new Array<number>(p.jobs.length).fill(0);
  const vehicleSeen = new Set<number>();
  let cost = 0;
  let distanceM = 0;
  let durationS = 0;
  let used = 0;

  routes.forEach((route, ri) => {
    const veh = p.vehicles[route.vehicleIndex];
    if (!veh) {
      violations.push(`route ${ri}: unknown vehicle ${route.vehicleIndex}`);
      return;
    }
    if (route.jobs.length === 0) return;
    if (vehicleSeen.has(route.vehicleIndex)) violations.push(`route ${ri}: vehicle ${veh.id} used twice`);
    vehicleSeen.add(route.vehicleIndex);
    used++;
    let here = veh.startIndex;
    let clock = veh.shiftStartS;
    let weight = 0;
    let volume = 0;
    let driveS = 0;
    let serviceS = 0;
    let meters = 0;
    for (const ji of route.jobs) {
      const job = p.jobs[ji];
      if (!job) {
        violations.push(`route ${ri}: unknown job ${ji}`);
        continue;
      }
      seen[ji]++;
      const leg = here * n + job.locationIndex;
      meters += D[leg];
      driveS += T[leg];
      clock += T[leg];
      if (job.timeWindow) {
        if (clock < job.timeWindow.startS) clock = job.timeWindow.startS;
        if (clock > job.timeWindow.endS + tol)
          violations.push(`route ${ri}: job ${job.id} starts at ${clock.toFixed(2)} after its window ends ${job.timeWindow.endS}`);
      }
      clock += job.serviceS;
      serviceS += job.serviceS;
      weight += job.weightG;
      volume += job.volumeCm3;
      here = job.locationIndex;
    }
    const back = here * n + veh.endIndex;
    meters += D[back];
    driveS += T[back];
    clock += T[back];
    if (weight > veh.capacityWeightG + tol)
      violations.push(`route ${ri}: weight ${weight} exceeds capacity ${veh.capacityWeightG} of ${veh.id}`);
    if (volume > veh.capacityVolumeCm3 + tol)
      violations.push(`route ${ri}: volume ${volume} exceeds capacity ${veh.capacityVolumeCm3} of ${veh.id}`);
    if (clock > veh.shiftEndS + tol) violations.push(`route ${ri}: returns at ${clock.toFixed(2)} after shift end ${veh.shiftEndS}`);
    const duration = clock - veh.shiftStartS;
    if (veh.maxDurationS !== undefined && duration > veh.maxDurationS + tol)
      violations.push(`route ${ri}: duration ${duration.toFixed(0)} s exceeds ${veh.maxDurationS} s`);
    cost += veh.fixedCost + (veh.costPerKm * meters) / 1000 + (veh.costPerHour * (driveS + serviceS)) / 3600;
    distanceM += meters;
    durationS += duration;
  });

  seen.forEach((count, ji) => {
    if (count > 1) violations.push(`job ${p.jobs[ji].id} visited ${count} times`);
    if (count === 0 && !opts.allowUnassigned) violations.push(`job ${p.jobs[ji].id} not visited`);
  });
  return { feasible: violations.length === 0, violations, cost, distanceM, durationS, vehiclesUsed: used };
}
