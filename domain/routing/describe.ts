import {
  matrixOf,
  type DropReason,
  type Route,
  type RouteBreak,
  type RouteStop,
  type RoutingProblem,
  type RoutingSolution,
} from './routing.schemas.js';

/** A vehicle's ordered job indices, and where its breaks go (stops served before each, in the vehicle's break order). */
export interface PlannedRoute {
  vehicleIndex: number;
  jobs: number[];
  breaks?: number[];
}

/** An unassigned job as the solver reports it. */
export interface DroppedJob {
  jobIndex: number;
  reason?: DropReason;
  penalty?: number;
}

/**
 * Expands ordered job lists into the solver's output (stop times, breaks, loads, distance,
 * duration, cost) by simulating each route from the raw problem: leave at shift start, wait for
 * windows, serve, drive on; a break between two stops starts at max(departure, window start)
 * and the next arrival is max(break end, departure + travel + break). Open routes (no endIndex)
 * end at their last stop. Cost = fixed + costPerKm × km + costPerHour × (driving + service) hours.
 */
export function describeRoutes(
  p: RoutingProblem,
  planned: PlannedRoute[],
  unassigned: DroppedJob[],
  iterations: number,
  elapsedS: number,
): RoutingSolution {
  const n = p.matrix.n;
  const pairOf = new Map<number, { pickup: boolean }>();
  for (const pr of p.pairs) {
    pairOf.set(pr.pickupIndex, { pickup: true });
    pairOf.set(pr.deliveryIndex, { pickup: false });
  }
  const routes: Route[] = [];
  let cost = 0;
  let distanceM = 0;
  let durationS = 0;
  for (const pr of planned) {
    if (pr.jobs.length === 0) continue;
    const veh = p.vehicles[pr.vehicleIndex];
    const mx = matrixOf(p, veh);
    let loadW = 0;
    let loadV = 0;
    let loadP = 0;
    for (const j of pr.jobs) {
      if (pairOf.has(j)) continue;
      loadW += p.jobs[j].weightG;
      loadV += p.jobs[j].volumeCm3;
      loadP += p.jobs[j].pallets;
    }
    const order = veh.breaks.map((b, i) => ({ b, i })).sort((x, y) => x.b.startS - y.b.startS || x.i - y.i);
    const breaks: RouteBreak[] = [];
    let here = veh.startIndex;
    let t = veh.shiftStartS;
    let meters = 0;
    let workS = 0;
    let w = loadW;
    let vol = loadV;
    let pal = loadP;
    const stops: RouteStop[] = [];
    const gap = (k: number, travelS: number): number => {
      let cur = t;
      let pauseS = 0;
      for (const { b, i } of order) {
        if ((pr.breaks?.[i] ?? pr.jobs.length) !== k) continue;
        const startS = Math.max(cur, b.startS);
        cur = startS + b.durationS;
        pauseS += b.durationS;
        breaks.push({ breakId: b.id, breakIndex: i, afterStop: k, startS, endS: cur });
      }
      return pauseS > 0 ? Math.max(cur, t + travelS + pauseS) : t + travelS;
    };
    pr.jobs.forEach((j, k) => {
      const job = p.jobs[j];
      const leg = here * n + job.locationIndex;
      meters += mx.distanceM[leg];
      workS += mx.durationS[leg] + job.serviceS;
      const arrivalS = gap(k, mx.durationS[leg]);
      const startS = job.timeWindow ? Math.max(arrivalS, job.timeWindow.startS) : arrivalS;
      t = startS + job.serviceS;
      const sign = pairOf.get(j)?.pickup ? 1 : -1;
      w += sign * job.weightG;
      vol += sign * job.volumeCm3;
      pal += sign * job.pallets;
      stops.push({
        jobIndex: j,
        jobId: job.id,
        arrivalS,
        startS,
        departureS: t,
        loadAfterWeightG: w,
        loadAfterVolumeCm3: vol,
        loadAfterPallets: pal,
      });
      here = job.locationIndex;
    });
    let backS = 0;
    if (veh.endIndex !== undefined) {
      const back = here * n + veh.endIndex;
      meters += mx.distanceM[back];
      backS = mx.durationS[back];
      workS += backS;
    }
    const endS = gap(pr.jobs.length, backS);
    const routeCost = veh.fixedCost + (veh.costPerKm * meters) / 1000 + (veh.costPerHour * workS) / 3600;
    routes.push({
      vehicleIndex: pr.vehicleIndex,
      vehicleId: veh.id,
      stops,
      startS: veh.shiftStartS,
      endS,
      loadWeightG: loadW,
      loadVolumeCm3: loadV,
      loadPallets: loadP,
      breaks,
      distanceM: meters,
      durationS: endS - veh.shiftStartS,
      cost: routeCost,
    });
    cost += routeCost;
    distanceM += meters;
    durationS += endS - veh.shiftStartS;
  }
  let dropPenalty = 0;
  for (const u of unassigned) dropPenalty += u.penalty ?? 0;
  return {
    routes,
    unassigned: unassigned.map((u) => ({
      jobIndex: u.jobIndex,
      jobId: p.jobs[u.jobIndex].id,
      ...(u.reason ? { reason: u.reason } : {}),
      ...(u.penalty !== undefined ? { penalty: u.penalty } : {}),
    })),
    cost,
    dropPenalty,
    distanceM,
    durationS,
    vehiclesUsed: routes.length,
    iterations,
    elapsedS,
  };
}
