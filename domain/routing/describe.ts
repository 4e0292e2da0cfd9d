import { placeBreaks } from './break-placement.js';
import { matrixOf, type DropReason, type Route, type RoutingProblem, type RoutingSolution } from './routing.schemas.js';

/**
 * The one route simulator from the raw problem (the solver's hot loops use the flat model in
 * route-sim.ts): one vehicle's job sequence → stop times, breaks, the load profile, distance,
 * duration, cost and every violated rule, named. The solver describes its result with it
 * (`describeRoutes`), dispatch re-times stored and hand-edited routes with it (`evaluateRoute`).
 *
 * Timing (the solver's and checker.ts's): leave the start at shiftStartS, wait for a window to
 * open, serve, drive on; waiting is not charged. A break placed between two stops starts at
 * max(departure, window start) and the next arrival is max(break end, departure + travel + break),
 * so stop times include breaks. Loads: deliveries not part of a pair leave on board, a pair's
 * pickup loads and its delivery unloads. Open routes (no endIndex) end at their last stop.
 * Cost = fixed + costPerKm × km + costPerHour × (driving + service) hours.
 */

export type Constraint =
  | 'capacity_weight'
  | 'capacity_volume'
  | 'capacity_pallets'
  | 'skills'
  | 'time_window'
  | 'break'
  | 'shift_end'
  | 'max_duration'
  | 'max_distance';

export interface Violation {
  constraint: Constraint;
  detail: string;
  jobId?: string;
}

export interface EvaluatedStop {
  jobIndex: number;
  jobId: string;
  arrivalS: number;
  /** Service start: the ETA a customer sees. */
  etaS: number;
  departureS: number;
  /** Goods on board after this stop. */
  loadAfterWeightG: number;
  loadAfterVolumeCm3: number;
  loadAfterPallets: number;
}

export interface RouteEvaluation {
  vehicleIndex: number;
  stops: EvaluatedStop[];
  startS: number;
  endS: number;
  /** Goods on board when leaving the start. */
  loadWeightG: number;
  loadVolumeCm3: number;
  loadPallets: number;
  distanceM: number;
  durationS: number;
  cost: number;
  /** Driver breaks: after `afterStop` stops (0 = before the first), `breakIndex` in the vehicle's `breaks`, with their times. */
  breaks: { id: string; breakIndex: number; afterStop: number; startS: number; endS: number }[];
  violations: Violation[];
}

/**
 * Evaluates `jobs` (job indices in visiting order) on vehicle `vehicleIndex`; an empty route
 * costs nothing. `breakAt` (per break of the vehicle, stops served before it, as the solver
 * reports them) overrides the placement rule (break-placement.ts); when no order of breaks fits
 * their windows, they are taken at the end and reported.
 */
export function evaluateRoute(
  p: RoutingProblem,
  vehicleIndex: number,
  jobs: readonly number[],
  breakAt?: readonly number[],
): RouteEvaluation {
  const veh = p.vehicles[vehicleIndex];
  if (!veh) throw new RangeError(`unknown vehicle index ${vehicleIndex}`);
  const n = p.matrix.n;
  const { distanceM: D, durationS: T } = matrixOf(p, veh);
  const violations: Violation[] = [];
  const pickup = new Map<number, boolean>();
  for (const pr of p.pairs) {
    pickup.set(pr.pickupIndex, true);
    pickup.set(pr.deliveryIndex, false);
  }
  let loadW = 0;
  let loadV = 0;
  let loadP = 0;
  for (const j of jobs) {
    if (pickup.has(j)) continue;
    loadW += p.jobs[j]!.weightG;
    loadV += p.jobs[j]!.volumeCm3;
    loadP += p.jobs[j]!.pallets;
  }
  if (jobs.length === 0)
    return {
      vehicleIndex,
      stops: [],
      startS: veh.shiftStartS,
      endS: veh.shiftStartS,
      loadWeightG: 0,
      loadVolumeCm3: 0,
      loadPallets: 0,
      distanceM: 0,
      durationS: 0,
      cost: 0,
      breaks: [],
      violations,
    };
  // The load profile does not depend on time: its peak is checked first (pickups of pairs load, their deliveries unload).
  const peak = { w: loadW, v: loadV, pal: loadP };
  const on = { ...peak };
  for (const j of jobs) {
    const sign = pickup.get(j) ? 1 : -1;
    on.w += sign * p.jobs[j]!.weightG;
    on.v += sign * p.jobs[j]!.volumeCm3;
    on.pal += sign * p.jobs[j]!.pallets;
    peak.w = Math.max(peak.w, on.w);
    peak.v = Math.max(peak.v, on.v);
    peak.pal = Math.max(peak.pal, on.pal);
  }
  if (peak.w > veh.capacityWeightG + 1e-6)
    violations.push({
      constraint: 'capacity_weight',
      detail: `load ${peak.w} g exceeds the capacity ${veh.capacityWeightG} g of vehicle ${veh.id}`,
    });
  if (peak.v > veh.capacityVolumeCm3 + 1e-6)
    violations.push({
      constraint: 'capacity_volume',
      detail: `load ${peak.v} cm³ exceeds the capacity ${veh.capacityVolumeCm3} cm³ of vehicle ${veh.id}`,
    });
  if (peak.pal > veh.capacityPallets + 1e-6)
    violations.push({
      constraint: 'capacity_pallets',
      detail: `load ${peak.pal} pallets exceeds the capacity ${veh.capacityPallets} of vehicle ${veh.id}`,
    });
  for (const j of jobs) {
    const missing = p.jobs[j]!.skills.filter((sk) => !veh.skills.includes(sk));
    if (missing.length)
      violations.push({
        constraint: 'skills',
        jobId: p.jobs[j]!.id,
        detail: `stop ${p.jobs[j]!.id} needs ${missing.join(', ')}, which vehicle ${veh.id} lacks`,
      });
  }
  let positions = breakAt && breakAt.length === veh.breaks.length ? [...breakAt] : placeBreaks(p, vehicleIndex, jobs);
  // No order of breaks fits their windows on this sequence: take them at the end and report it.
  positions ??= veh.breaks.map(() => jobs.length);
  const byStart = veh.breaks.map((b, i) => ({ b, i })).sort((x, y) => x.b.startS - y.b.startS || x.i - y.i);
  const breaks: RouteEvaluation['breaks'] = [];
  // Breaks placed in gap k (after k stops), then the drive of travelS: the arrival time.
  const travel = (k: number, clockS: number, travelS: number): number => {
    let cur = clockS;
    let pause = 0;
    for (const { b, i } of byStart) {
      if (positions[i] !== k) continue;
      const start = Math.max(cur, b.startS);
      if (start > b.endS + 1e-6)
        violations.push({
          constraint: 'break',
          detail: `break ${b.id} of vehicle ${veh.id} would start at ${clockText(start)}, after its window closes at ${clockText(b.endS)}`,
        });
      cur = start + b.durationS;
      pause += b.durationS;
      breaks.push({ id: b.id, breakIndex: i, afterStop: k, startS: start, endS: cur });
    }
    return pause > 0 ? Math.max(cur, clockS + travelS + pause) : clockS + travelS;
  };

  let here = veh.startIndex;
  let clock = veh.shiftStartS;
  let meters = 0;
  let workS = 0;
  let w = loadW;
  let v = loadV;
  let pal = loadP;
  const stops: EvaluatedStop[] = [];
  for (const j of jobs) {
    const job = p.jobs[j]!;
    const leg = here * n + job.locationIndex;
    meters += D[leg]!;
    workS += T[leg]! + job.serviceS;
    const arrivalS = travel(stops.length, clock, T[leg]!);
    let etaS = arrivalS;
    if (job.timeWindow) {
      if (etaS < job.timeWindow.startS) etaS = job.timeWindow.startS;
      if (etaS > job.timeWindow.endS + 1e-6)
        violations.push({
          constraint: 'time_window',
          jobId: job.id,
          detail: `stop ${job.id} would start at ${clockText(etaS)}, after its window closes at ${clockText(job.timeWindow.endS)}`,
        });
    }
    const departureS = etaS + job.serviceS;
    const sign = pickup.get(j) ? 1 : -1;
    w += sign * job.weightG;
    v += sign * job.volumeCm3;
    pal += sign * job.pallets;
    stops.push({
      jobIndex: j,
      jobId: job.id,
      arrivalS,
      etaS,
      departureS,
      loadAfterWeightG: w,
      loadAfterVolumeCm3: v,
      loadAfterPallets: pal,
    });
    clock = departureS;
    here = job.locationIndex;
  }
  // An open route (no end location) ends at its last stop.
  const back = veh.endIndex === undefined ? -1 : here * n + veh.endIndex;
  meters += back < 0 ? 0 : D[back]!;
  workS += back < 0 ? 0 : T[back]!;
  const endS = travel(jobs.length, clock, back < 0 ? 0 : T[back]!);
  if (endS > veh.shiftEndS + 1e-6)
    violations.push({
      constraint: 'shift_end',
      detail: `vehicle ${veh.id} would return at ${clockText(endS)}, after its shift ends at ${clockText(veh.shiftEndS)}`,
    });
  const durationS = endS - veh.shiftStartS;
  if (veh.maxDurationS !== undefined && durationS > veh.maxDurationS + 1e-6)
    violations.push({
      constraint: 'max_duration',
      detail: `route of vehicle ${veh.id} would last ${Math.round(durationS)} s, more than ${veh.maxDurationS} s`,
    });
  if (veh.maxDistanceM !== undefined && meters > veh.maxDistanceM + 1e-6)
    violations.push({
      constraint: 'max_distance',
      detail: `route of vehicle ${veh.id} would drive ${Math.round(meters)} m, more than ${veh.maxDistanceM} m`,
    });
  return {
    vehicleIndex,
    stops,
    startS: veh.shiftStartS,
    endS,
    loadWeightG: loadW,
    loadVolumeCm3: loadV,
    loadPallets: loadP,
    distanceM: meters,
    durationS,
    cost: veh.fixedCost + (veh.costPerKm * meters) / 1000 + (veh.costPerHour * workS) / 3600,
    breaks: breaks.sort((a, b) => a.startS - b.startS),
    violations,
  };
}

/** Seconds since midnight as HH:MM (for problem details a dispatcher reads). */
export function clockText(s: number): string {
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

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
 * Expands the solver's ordered job lists into its output by evaluating each non-empty route
 * (`evaluateRoute`, breaks where the solver put them; a break it did not place goes at the end).
 */
export function describeRoutes(
  p: RoutingProblem,
  planned: PlannedRoute[],
  unassigned: DroppedJob[],
  iterations: number,
  elapsedS: number,
): RoutingSolution {
  const routes: Route[] = [];
  let cost = 0;
  let distanceM = 0;
  let durationS = 0;
  for (const pr of planned) {
    if (pr.jobs.length === 0) continue;
    const veh = p.vehicles[pr.vehicleIndex]!;
    const ev = evaluateRoute(
      p,
      pr.vehicleIndex,
      pr.jobs,
      veh.breaks.map((_, i) => pr.breaks?.[i] ?? pr.jobs.length),
    );
    routes.push({
      vehicleIndex: pr.vehicleIndex,
      vehicleId: veh.id,
      stops: ev.stops.map(({ etaS, ...s }) => ({ ...s, startS: etaS })),
      startS: ev.startS,
      endS: ev.endS,
      loadWeightG: ev.loadWeightG,
      loadVolumeCm3: ev.loadVolumeCm3,
      loadPallets: ev.loadPallets,
      breaks: ev.breaks.map(({ id, ...b }) => ({ breakId: id, ...b })),
      distanceM: ev.distanceM,
      durationS: ev.durationS,
      cost: ev.cost,
    });
    cost += ev.cost;
    distanceM += ev.distanceM;
    durationS += ev.durationS;
  }
  let dropPenalty = 0;
  for (const u of unassigned) dropPenalty += u.penalty ?? 0;
  return {
    routes,
    unassigned: unassigned.map((u) => ({
      jobIndex: u.jobIndex,
      jobId: p.jobs[u.jobIndex]!.id,
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
