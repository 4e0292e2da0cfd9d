import { matrixOf, type RoutingProblem } from '../routing/routing.schemas.js';

/**
 * Pure re-evaluation of one vehicle's stop sequence against a routing problem: ETAs, loads,
 * distance, duration, cost and every violated constraint (named, so a rejected manual edit can
 * say which rule it broke). The timing rule matches the solver and domain/routing/checker.ts:
 * leave the start at shiftStartS, wait for a window to open, serve, drive on; waiting is not charged.
 */

export type Constraint = 'capacity_weight' | 'capacity_volume' | 'time_window' | 'shift_end' | 'max_duration';

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
  violations: Violation[];
}

/** Evaluates `jobs` (job indices in visiting order) on vehicle `vehicleIndex`; an empty route costs nothing. */
export function evaluateRoute(p: RoutingProblem, vehicleIndex: number, jobs: readonly number[]): RouteEvaluation {
  const veh = p.vehicles[vehicleIndex];
  if (!veh) throw new RangeError(`unknown vehicle index ${vehicleIndex}`);
  const n = p.matrix.n;
  const D = matrixOf(p, veh).distanceM;
  const T = matrixOf(p, veh).durationS;
  const violations: Violation[] = [];
  let loadW = 0;
  let loadV = 0;
  for (const j of jobs) {
    loadW += p.jobs[j]!.weightG;
    loadV += p.jobs[j]!.volumeCm3;
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
    const arrivalS = clock + T[leg]!;
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
  const endS = clock + (back < 0 ? 0 : T[back]!);
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
    violations,
  };
}

/** Seconds since midnight as HH:MM (for problem details a dispatcher reads). */
export function clockText(s: number): string {
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
