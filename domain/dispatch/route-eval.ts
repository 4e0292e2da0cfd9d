import { placeBreaks } from '../routing/break-placement.js';
import { matrixOf, type RoutingProblem } from '../routing/routing.schemas.js';

/**
 * Pure re-evaluation of one vehicle's stop sequence against a routing problem: ETAs, loads,
 * distance, duration, cost and every violated constraint (named, so a rejected manual edit can
 * say which rule it broke). The timing rule matches the solver and domain/routing/checker.ts:
 * leave the start at shiftStartS, wait for a window to open, serve, drive on; waiting is not charged.
 * Driver breaks go where the solver puts them (given positions, else the solver's placement rule,
 * break-placement.ts): a break after stop k starts at max(departure, window start) and the next
 * arrival is max(break end, departure + travel + break duration), so stored ETAs include them.
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
  loadAfterWeightG: number;
  loadAfterVolumeCm3: number;
}

export interface RouteEvaluation {
  vehicleIndex: number;
  stops: EvaluatedStop[];
  startS: number;
  endS: number;
  loadWeightG: number;
  loadVolumeCm3: number;
  distanceM: number;
  durationS: number;
  cost: number;
  /** Driver breaks: after `afterStop` stops (0 = before the first), with their times. */
  breaks: { id: string; afterStop: number; startS: number; endS: number }[];
  violations: Violation[];
}

/**
 * Evaluates `jobs` (job indices in visiting order) on vehicle `vehicleIndex`; an empty route
 * costs nothing. `breakAt` (per break of the vehicle, stops served before it, as the solver
 * reports them) overrides the placement rule.
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
  const D = matrixOf(p, veh).distanceM;
  const T = matrixOf(p, veh).durationS;
  const violations: Violation[] = [];
  let loadW = 0;
  let loadV = 0;
  let loadP = 0;
  for (const j of jobs) {
    loadW += p.jobs[j]!.weightG;
    loadV += p.jobs[j]!.volumeCm3;
    loadP += p.jobs[j]!.pallets;
  }
  if (jobs.length === 0) {
    return {
      vehicleIndex,
      stops: [],
      startS: veh.shiftStartS,
      endS: veh.shiftStartS,
      loadWeightG: 0,
      loadVolumeCm3: 0,
      distanceM: 0,
      durationS: 0,
      cost: 0,
      breaks: [],
      violations,
    };
  }
  if (loadW > veh.capacityWeightG + 1e-6)
    violations.push({
      constraint: 'capacity_weight',
      detail: `load ${loadW} g exceeds the capacity ${veh.capacityWeightG} g of vehicle ${veh.id}`,
    });
  if (loadV > veh.capacityVolumeCm3 + 1e-6)
    violations.push({
      constraint: 'capacity_volume',
      detail: `load ${loadV} cm³ exceeds the capacity ${veh.capacityVolumeCm3} cm³ of vehicle ${veh.id}`,
    });

  if (loadP > veh.capacityPallets + 1e-6)
    violations.push({
      constraint: 'capacity_pallets',
      detail: `load ${loadP} pallets exceeds the capacity ${veh.capacityPallets} of vehicle ${veh.id}`,
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
  if (!positions) {
    // No order of breaks fits their windows on this sequence: take them at the end and report it.
    positions = veh.breaks.map(() => jobs.length);
  }
  const byStart = veh.breaks.map((b, i) => ({ b, i })).sort((x, y) => x.b.startS - y.b.startS || x.i - y.i);
  const breaks: RouteEvaluation['breaks'] = [];
  // Breaks placed in gap k (after k stops), then the drive of travelS: the arrival time.
  const travel = (k: number, clockS: number, travelS: number): number => {
    let cur = clockS;
    let pause = 0;
    for (const { b, i } of byStart) {
      if (positions![i] !== k) continue;
      const start = Math.max(cur, b.startS);
      if (start > b.endS + 1e-6)
        violations.push({
          constraint: 'break',
          detail: `break ${b.id} of vehicle ${veh.id} would start at ${clockText(start)}, after its window closes at ${clockText(b.endS)}`,
        });
      cur = start + b.durationS;
      pause += b.durationS;
      breaks.push({ id: b.id, afterStop: k, startS: start, endS: cur });
    }
    return pause > 0 ? Math.max(cur, clockS + travelS + pause) : clockS + travelS;
  };

  let here = veh.startIndex;
  let clock = veh.shiftStartS;
  let meters = 0;
  let workS = 0;
  let w = loadW;
  let v = loadV;
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
      if (etaS > job.timeWindow.endS + 1e-6) {
        violations.push({
          constraint: 'time_window',
          jobId: job.id,
          detail: `stop ${job.id} would start at ${clockText(etaS)}, after its window closes at ${clockText(job.timeWindow.endS)}`,
        });
      }
    }
    const departureS = etaS + job.serviceS;
    w -= job.weightG;
    v -= job.volumeCm3;
    stops.push({ jobIndex: j, jobId: job.id, arrivalS, etaS, departureS, loadAfterWeightG: w, loadAfterVolumeCm3: v });
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
  if (veh.maxDurationS !== undefined && durationS > veh.maxDurationS + 1e-6) {
    violations.push({
      constraint: 'max_duration',
      detail: `route of vehicle ${veh.id} would last ${Math.round(durationS)} s, more than ${veh.maxDurationS} s`,
    });
  }
  if (veh.maxDistanceM !== undefined && meters > veh.maxDistanceM + 1e-6)
    violations.push({
      constraint: 'max_distance',
      detail: `route of vehicle ${veh.id} would drive ${Math.round(meters)} m, more than ${veh.maxDistanceM} m`,
    });
  const cost = veh.fixedCost + (veh.costPerKm * meters) / 1000 + (veh.costPerHour * workS) / 3600;
  return {
    vehicleIndex,
    stops,
    startS: veh.shiftStartS,
    endS,
    loadWeightG: loadW,
    loadVolumeCm3: loadV,
    distanceM: meters,
    durationS,
    cost,
    breaks: breaks.sort((a, b) => a.startS - b.startS),
    violations,
  };
}

/** Seconds since midnight as HH:MM (for problem details a dispatcher reads). */
export function clockText(s: number): string {
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
