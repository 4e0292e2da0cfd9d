import type { Route, RouteStop, RoutingProblem, RoutingSolution } from './routing.schemas.js';

/** A vehicle's ordered job indices. */
export interface PlannedRoute {
  vehicleIndex: number;
  jobs: number[];
}

/**
 * Expands ordered job lists into the solver's output (stop times, loads, distance, duration,
 * cost) by simulating each route from the raw problem: leave at shift start, wait for windows,
 * serve, drive on. Cost = fixed + costPerKm × km + costPerHour × (driving + service) hours.
 */
export function describeRoutes(
  p: RoutingProblem,
  planned: PlannedRoute[],
  unassigned: number[],
  iterations: number,
  elapsedS: number,
): RoutingSolution {
  const n = p.matrix.n;
  const routes: Route[] = [];
  let cost = 0;
  let distanceM = 0;
  let durationS = 0;
  for (const pr of planned) {
    if (pr.jobs.length === 0) continue;
    const veh = p.vehicles[pr.vehicleIndex];
    let loadW = 0;
    let loadV = 0;
    for (const j of pr.jobs) {
      loadW += p.jobs[j].weightG;
      loadV += p.jobs[j].volumeCm3;
    }
    let here = veh.startIndex;
    let t = veh.shiftStartS;
    let meters = 0;
    let workS = 0;
    let w = loadW;
    let vol = loadV;
    const stops: RouteStop[] = [];
    for (const j of pr.jobs) {
      const job = p.jobs[j];
      const leg = here * n + job.locationIndex;
      meters += p.matrix.distanceM[leg];
      workS += p.matrix.durationS[leg] + job.serviceS;
      const arrivalS = t + p.matrix.durationS[leg];
      const startS = job.timeWindow ? Math.max(arrivalS, job.timeWindow.startS) : arrivalS;
      t = startS + job.serviceS;
      w -= job.weightG;
      vol -= job.volumeCm3;
      stops.push({ jobIndex: j, jobId: job.id, arrivalS, startS, departureS: t, loadAfterWeightG: w, loadAfterVolumeCm3: vol });
      here = job.locationIndex;
    }
    const back = here * n + veh.endIndex;
    meters += p.matrix.distanceM[back];
    workS += p.matrix.durationS[back];
    const endS = t + p.matrix.durationS[back];
    const routeCost = veh.fixedCost + (veh.costPerKm * meters) / 1000 + (veh.costPerHour * workS) / 3600;
    routes.push({
      vehicleIndex: pr.vehicleIndex,
      vehicleId: veh.id,
      stops,
      startS: veh.shiftStartS,
      endS,
      loadWeightG: loadW,
      loadVolumeCm3: loadV,
      distanceM: meters,
      durationS: endS - veh.shiftStartS,
      cost: routeCost,
    });
    cost += routeCost;
    distanceM += meters;
    durationS += endS - veh.shiftStartS;
  }
  return {
    routes,
    unassigned: unassigned.map((j) => ({ jobIndex: j, jobId: p.jobs[j].id })),
    cost,
    distanceM,
    durationS,
    vehiclesUsed: routes.length,
    iterations,
    elapsedS,
  };
}
