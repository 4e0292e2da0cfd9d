import { matrixOf, routingProblemSchema, type RoutingProblemInput } from './routing.schemas.js';

/**
 * Independent solution checker: recomputes every route from the raw problem (matrix indices,
 * no solver caches or code) and lists each violated rule. Timing rule: the vehicle leaves its
 * start at shiftStartS, waits when it arrives before a window opens, serves, drives on. A break
 * placed after stop k starts at max(departure from k, break window start), must start by the
 * window end, and the next arrival is max(break end, departure + travel + break duration)
 * (the vehicle may stop en route). Open routes (no endIndex) end at their last stop.
 */

export interface CheckedRoute {
  vehicleIndex: number;
  /** Job indices in visiting order. */
  jobs: number[];
  /** Per break of the vehicle (its `breaks` order): stops served before it. Required when the vehicle has breaks. */
  breaks?: number[];
}

export interface CheckReport {
  feasible: boolean;
  violations: string[];
  cost: number;
  distanceM: number;
  /** Sum over used routes of (return time - shift start). */
  durationS: number;
  vehiclesUsed: number;
  /** Sum of the drop penalties of optional jobs left out. */
  dropPenalty: number;
}

/** The checker's view of a solver solution: job order and break placement per route. */
export function checkedRoutes(solution: {
  routes: { vehicleIndex: number; stops: { jobIndex: number }[]; breaks?: { breakIndex: number; afterStop: number }[] }[];
}): CheckedRoute[] {
  return solution.routes.map((r) => {
    const breaks: number[] = [];
    for (const b of r.breaks ?? []) breaks[b.breakIndex] = b.afterStop;
    return { vehicleIndex: r.vehicleIndex, jobs: r.stops.map((s) => s.jobIndex), breaks };
  });
}

/** Checks routes against the problem; unassigned mandatory jobs count as violations unless `allowUnassigned`. */
export function checkSolution(
  input: RoutingProblemInput,
  routes: CheckedRoute[],
  opts: { allowUnassigned?: boolean; tolerance?: number } = {},
): CheckReport {
  const p = routingProblemSchema.parse(input);
  const tol = opts.tolerance ?? 1e-6;
  const n = p.matrix.n;
  const violations: string[] = [];
  const seen = new Array<number>(p.jobs.length).fill(0);
  const routeOfJob = new Array<number>(p.jobs.length).fill(-1);
  const posOfJob = new Array<number>(p.jobs.length).fill(-1);
  const pairRole = new Map<number, 'pickup' | 'delivery'>();
  for (const pr of p.pairs) {
    pairRole.set(pr.pickupIndex, 'pickup');
    pairRole.set(pr.deliveryIndex, 'delivery');
  }
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
    // Each vehicle drives on its profile's matrix.
    const D = matrixOf(p, veh).distanceM;
    const T = matrixOf(p, veh).durationS;
    if (vehicleSeen.has(route.vehicleIndex)) violations.push(`route ${ri}: vehicle ${veh.id} used twice`);
    vehicleSeen.add(route.vehicleIndex);
    used++;
    const jobs = route.jobs.filter((ji) => {
      if (p.jobs[ji]) return true;
      violations.push(`route ${ri}: unknown job ${ji}`);
      return false;
    });
    if (veh.breaks.length > 0 && (!route.breaks || route.breaks.length !== veh.breaks.length))
      violations.push(`route ${ri}: vehicle ${veh.id} has ${veh.breaks.length} breaks, ${route.breaks?.length ?? 0} placed`);
    const breakAt = (i: number): number => route.breaks?.[i] ?? jobs.length;

    // Goods on board when leaving: every delivery that is not half of a pair.
    let w = 0;
    let vol = 0;
    let pal = 0;
    for (const ji of jobs) {
      if (pairRole.has(ji)) continue;
      w += p.jobs[ji].weightG;
      vol += p.jobs[ji].volumeCm3;
      pal += p.jobs[ji].pallets;
    }
    const checkLoad = (where: string): void => {
      if (w > veh.capacityWeightG + tol)
        violations.push(`route ${ri}: weight ${w} exceeds capacity ${veh.capacityWeightG} of ${veh.id} ${where}`);
      if (vol > veh.capacityVolumeCm3 + tol)
        violations.push(`route ${ri}: volume ${vol} exceeds capacity ${veh.capacityVolumeCm3} of ${veh.id} ${where}`);
      if (pal > veh.capacityPallets + tol)
        violations.push(`route ${ri}: pallets ${pal} exceed capacity ${veh.capacityPallets} of ${veh.id} ${where}`);
    };
    checkLoad('at the start');

    let here = veh.startIndex;
    let clock = veh.shiftStartS;
    let driveS = 0;
    let serviceS = 0;
    let meters = 0;
    const breaksByStart = veh.breaks.map((b, i) => ({ b, i })).sort((x, y) => x.b.startS - y.b.startS || x.i - y.i);
    // Breaks placed in gap k (after k stops), then travel of travelS; returns the arrival time.
    const travel = (k: number, travelS: number): number => {
      let cur = clock;
      let pause = 0;
      for (const { b, i } of breaksByStart) {
        if (breakAt(i) !== k) continue;
        const start = Math.max(cur, b.startS);
        if (start > b.endS + tol)
          violations.push(`route ${ri}: break ${b.id} starts at ${start.toFixed(2)} after its window ends ${b.endS}`);
        cur = start + b.durationS;
        pause += b.durationS;
      }
      return pause > 0 ? Math.max(cur, clock + travelS + pause) : clock + travelS;
    };
    veh.breaks.forEach((b, i) => {
      const k = breakAt(i);
      if (!Number.isInteger(k) || k < 0 || k > jobs.length)
        violations.push(`route ${ri}: break ${b.id} placed at ${k}, outside 0..${jobs.length}`);
    });

    jobs.forEach((ji, k) => {
      const job = p.jobs[ji];
      seen[ji]++;
      routeOfJob[ji] = ri;
      posOfJob[ji] = k;
      for (const s of job.skills)
        if (!veh.skills.includes(s)) violations.push(`route ${ri}: job ${job.id} needs skill ${s} that ${veh.id} lacks`);
      const leg = here * n + job.locationIndex;
      meters += D[leg];
      driveS += T[leg];
      clock = travel(k, T[leg]);
      if (job.timeWindow) {
        if (clock < job.timeWindow.startS) clock = job.timeWindow.startS;
        if (clock > job.timeWindow.endS + tol)
          violations.push(`route ${ri}: job ${job.id} starts at ${clock.toFixed(2)} after its window ends ${job.timeWindow.endS}`);
      }
      clock += job.serviceS;
      serviceS += job.serviceS;
      const role = pairRole.get(ji);
      const sign = role === 'pickup' ? 1 : -1;
      w += sign * job.weightG;
      vol += sign * job.volumeCm3;
      pal += sign * job.pallets;
      if (role === 'pickup') checkLoad(`after picking up ${job.id}`);
      here = job.locationIndex;
    });
    let backS = 0;
    if (veh.endIndex !== undefined) {
      const back = here * n + veh.endIndex;
      meters += D[back];
      backS = T[back];
      driveS += backS;
    }
    clock = travel(jobs.length, backS);
    if (clock > veh.shiftEndS + tol) violations.push(`route ${ri}: returns at ${clock.toFixed(2)} after shift end ${veh.shiftEndS}`);
    const duration = clock - veh.shiftStartS;
    if (veh.maxDurationS !== undefined && duration > veh.maxDurationS + tol)
      violations.push(`route ${ri}: duration ${duration.toFixed(0)} s exceeds ${veh.maxDurationS} s`);
    if (veh.maxDistanceM !== undefined && meters > veh.maxDistanceM + tol)
      violations.push(`route ${ri}: distance ${meters.toFixed(0)} m exceeds ${veh.maxDistanceM} m`);
    cost += veh.fixedCost + (veh.costPerKm * meters) / 1000 + (veh.costPerHour * (driveS + serviceS)) / 3600;
    distanceM += meters;
    durationS += duration;
  });

  for (const pr of p.pairs) {
    const a = p.jobs[pr.pickupIndex];
    const b = p.jobs[pr.deliveryIndex];
    const ra = routeOfJob[pr.pickupIndex];
    const rb = routeOfJob[pr.deliveryIndex];
    if (ra < 0 && rb < 0) continue;
    if (ra !== rb) violations.push(`pair ${a.id}→${b.id}: pickup and delivery on different routes`);
    else if (posOfJob[pr.pickupIndex] > posOfJob[pr.deliveryIndex]) violations.push(`pair ${a.id}→${b.id}: delivery before pickup`);
  }
  let dropPenalty = 0;
  seen.forEach((count, ji) => {
    const job = p.jobs[ji];
    if (count > 1) violations.push(`job ${job.id} visited ${count} times`);
    if (count === 0) {
      if (job.optional) dropPenalty += job.dropPenalty ?? 0;
      else if (!opts.allowUnassigned) violations.push(`job ${job.id} not visited`);
    }
  });
  return { feasible: violations.length === 0, violations, cost, distanceM, durationS, vehiclesUsed: used, dropPenalty };
}
