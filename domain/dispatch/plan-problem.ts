import type { GeoPoint, TravelMatrix } from '../routing/matrix/provider.js';
import type { RoutingProblem, RoutingSolution } from '../routing/routing.schemas.js';
import { evaluateRoute, type RouteEvaluation } from '../routing/describe.js';

/**
 * Pure mapping between a delivery day (vehicles, shipments, stops already locked on a vehicle)
 * and the routing solver's plain-data problem. Locked stops go to the solver as
 * `vehicle.lockedJobs` (kept first, in order); the current plan is its warm start.
 */

export interface DayVehicle {
  id: string;
  capacityWeightG: number;
  capacityVolumeMm3: number;
  costPerKmMinor: number;
  costPerHourMinor: number;
  fixedCostMinor: number;
  shiftStartS: number;
  shiftEndS: number;
  maxDurationS: number | null;
  depotLat: number;
  depotLng: number;
  /** Fleet rules (issue 17); optional so callers that predate them keep compiling. */
  capacityPallets?: number | null;
  skills?: string[];
  breaks?: { id: string; startS: number; endS: number; durationS: number }[];
  maxDistanceM?: number | null;
  openRoute?: boolean;
}

export interface DayShipment {
  id: string;
  lat: number;
  lng: number;
  windowStartS: number | null;
  windowEndS: number | null;
  serviceTimeS: number;
  weightG: number;
  volumeMm3: number;
  /** Stop-side rules (issue 17); optional so callers that predate them keep compiling. */
  skills?: string[];
  pallets?: number;
  /** 0–9: lower priorities are dropped first when the day cannot hold every stop. */
  priority?: number;
  /** May be left out when serving it costs more than dropPenaltyMinor. */
  optional?: boolean;
  dropPenaltyMinor?: number | null;
}

export interface DayPlanInput {
  vehicles: DayVehicle[];
  /** Every shipment the plan may route, locked ones included. */
  shipments: DayShipment[];
  /** Vehicle id → shipment ids that must stay first on that vehicle, in this order. */
  locked: Record<string, string[]>;
}

export interface Indexed {
  /** Matrix rows: distinct depots first, then one per shipment in input order. */
  points: GeoPoint[];
  depotIndexOf: number[];
  shipmentIndex: Map<string, number>;
}

const MM3_PER_CM3 = 1000;

/** Point list of a day: a stable order, so equal days hit the same cached matrix. */
export function indexDay(input: DayPlanInput): Indexed {
  const points: GeoPoint[] = [];
  const depotKey = new Map<string, number>();
  const depotIndexOf = input.vehicles.map((v) => {
    const key = `${v.depotLat.toFixed(6)},${v.depotLng.toFixed(6)}`;
    let i = depotKey.get(key);
    if (i === undefined) {
      i = points.length;
      depotKey.set(key, i);
      points.push({ lat: v.depotLat, lon: v.depotLng });
    }
    return i;
  });
  const shipmentIndex = new Map<string, number>();
  input.shipments.forEach((s, k) => {
    shipmentIndex.set(s.id, k);
    points.push({ lat: s.lat, lon: s.lng });
  });
  return { points, depotIndexOf, shipmentIndex };
}

/** The whole day as a solver problem: every vehicle from its depot, one job per shipment (job k = shipment k). */
export function fullProblem(input: DayPlanInput, ix: Indexed, matrix: TravelMatrix): RoutingProblem {
  const D = ix.points.length - input.shipments.length;
  return {
    matrix,
    vehicles: input.vehicles.map((v, i) => ({
      id: v.id,
      startIndex: ix.depotIndexOf[i]!,
      endIndex: v.openRoute ? undefined : ix.depotIndexOf[i]!,
      capacityWeightG: v.capacityWeightG,
      capacityVolumeCm3: v.capacityVolumeMm3 / MM3_PER_CM3,
      capacityPallets: v.capacityPallets ?? Number.POSITIVE_INFINITY,
      skills: v.skills ?? [],
      breaks: v.breaks ?? [],
      maxDistanceM: v.maxDistanceM ?? undefined,
      costPerKm: v.costPerKmMinor,
      costPerHour: v.costPerHourMinor,
      fixedCost: v.fixedCostMinor,
      shiftStartS: v.shiftStartS,
      shiftEndS: v.shiftEndS,
      maxDurationS: v.maxDurationS ?? undefined,
      lockedJobs: [],
    })),
    jobs: input.shipments.map((s, k) => ({
      id: s.id,
      locationIndex: D + k,
      weightG: s.weightG,
      volumeCm3: s.volumeMm3 / MM3_PER_CM3,
      pallets: s.pallets ?? 0,
      serviceS: s.serviceTimeS,
      skills: s.skills ?? [],
      priority: s.priority ?? 0,
      optional: s.optional === true,
      dropPenalty: s.optional === true ? (s.dropPenaltyMinor ?? 0) : undefined,
      timeWindow:
        s.windowStartS !== null || s.windowEndS !== null
          ? { startS: s.windowStartS ?? Number.NEGATIVE_INFINITY, endS: s.windowEndS ?? Number.POSITIVE_INFINITY }
          : undefined,
    })),
    pairs: [],
    matrices: {},
  };
}

function lockedJobs(input: DayPlanInput, ix: Indexed, vehicleId: string): number[] {
  return (input.locked[vehicleId] ?? []).map((id) => {
    const k = ix.shipmentIndex.get(id);
    if (k === undefined) throw new RangeError(`locked shipment ${id} is not in the day's shipments`);
    return k;
  });
}

/** What the solver gets: the whole day with each vehicle's locked prefix (job k = shipment k). */
export function solverProblem(input: DayPlanInput, ix: Indexed, full: RoutingProblem): RoutingProblem {
  return { ...full, vehicles: full.vehicles.map((veh) => ({ ...veh, lockedJobs: lockedJobs(input, ix, veh.id) })) };
}

/** Warm start for a re-solve: the current sequences (shipment ids per vehicle) as job indices. */
export function initialRoutes(
  full: RoutingProblem,
  ix: Indexed,
  current: Record<string, string[]>,
): { vehicleIndex: number; jobs: number[] }[] {
  const out: { vehicleIndex: number; jobs: number[] }[] = [];
  full.vehicles.forEach((veh, vehicleIndex) => {
    const jobs = (current[veh.id] ?? []).map((id) => ix.shipmentIndex.get(id)).filter((k): k is number => k !== undefined);
    if (jobs.length) out.push({ vehicleIndex, jobs });
  });
  return out;
}

export interface AssembledDay {
  /** One entry per vehicle that has stops, evaluated over the full day (locked stops first). */
  routes: (RouteEvaluation & { vehicleId: string; lockedCount: number })[];
  unassignedShipmentIds: string[];
  /** Why each was left out (the solver's reason; null when it gave none). */
  unassigned: { shipmentId: string; reason: string | null }[];
  cost: number;
  distanceM: number;
  durationS: number;
}

/** The solver's routes (locked prefixes first), re-evaluated from each depot (ETAs, loads, totals). */
export function assembleDay(
  input: DayPlanInput,
  ix: Indexed,
  full: RoutingProblem,
  solution: Pick<RoutingSolution, 'routes' | 'unassigned'>,
): AssembledDay {
  const solved = new Map<string, number[]>();
  const solvedBreaks = new Map<string, number[]>();
  for (const r of solution.routes) {
    solved.set(
      r.vehicleId,
      r.stops.map((s) => ix.shipmentIndex.get(s.jobId)!),
    );
    const at: number[] = [];
    for (const b of r.breaks ?? []) at[b.breakIndex] = b.afterStop;
    solvedBreaks.set(r.vehicleId, at);
  }
  firstVehiclesFirst(input, solved, solvedBreaks);
  const routes: AssembledDay['routes'] = [];
  full.vehicles.forEach((veh, i) => {
    const prefix = lockedJobs(input, ix, veh.id);
    const got = solved.get(veh.id) ?? [];
    // The solver keeps locked stops first; re-assert it rather than trust it with the driver's day.
    const rest = got.filter((k) => !prefix.includes(k));
    const seq = [...prefix, ...rest];
    if (seq.length === 0) return;
    // The solver's break positions hold for its own order; a re-asserted order gets them re-placed.
    const same = seq.length === got.length && seq.every((k, x) => k === got[x]);
    routes.push({
      ...evaluateRoute(full, i, seq, same ? solvedBreaks.get(veh.id) : undefined),
      vehicleId: veh.id,
      lockedCount: prefix.length,
    });
  });
  return {
    routes,
    unassignedShipmentIds: solution.unassigned.map((u) => u.jobId),
    unassigned: solution.unassigned.map((u) => ({ shipmentId: u.jobId, reason: u.reason ?? null })),
    cost: routes.reduce((a, r) => a + r.cost, 0),
    distanceM: routes.reduce((a, r) => a + r.distanceM, 0),
    durationS: routes.reduce((a, r) => a + r.durationS, 0),
  };
}

/** Everything about a vehicle that the plan's cost and feasibility depend on (its id and break ids aside). */
function profileKey(v: DayVehicle): string {
  return JSON.stringify([
    v.capacityWeightG,
    v.capacityVolumeMm3,
    v.capacityPallets ?? null,
    v.costPerKmMinor,
    v.costPerHourMinor,
    v.fixedCostMinor,
    v.shiftStartS,
    v.shiftEndS,
    v.maxDurationS,
    v.maxDistanceM ?? null,
    v.depotLat,
    v.depotLng,
    v.openRoute ?? false,
    [...(v.skills ?? [])].sort(),
    (v.breaks ?? []).map((b) => [b.startS, b.endS, b.durationS]),
  ]);
}

/**
 * Among interchangeable vehicles (same profile, nothing locked on them), the solver's routes go to
 * the first ones in fleet order: swapping two such vehicles changes neither cost nor feasibility,
 * but which van goes out should not depend on the search's luck. The dispatcher sees the same vans
 * used day after day, and a driver set on the first van of a kind gets a route whenever one of that
 * kind goes out.
 */
function firstVehiclesFirst(input: DayPlanInput, solved: Map<string, number[]>, solvedBreaks: Map<string, number[]>): void {
  const groups = new Map<string, string[]>();
  for (const v of input.vehicles) {
    if ((input.locked[v.id] ?? []).length) continue;
    const key = profileKey(v);
    const g = groups.get(key);
    if (g) g.push(v.id);
    else groups.set(key, [v.id]);
  }
  for (const ids of groups.values()) {
    const used = ids.filter((id) => (solved.get(id) ?? []).length > 0);
    const seqs = used.map((id) => solved.get(id)!);
    const breaks = used.map((id) => solvedBreaks.get(id));
    for (const id of ids) {
      solved.delete(id);
      solvedBreaks.delete(id);
    }
    seqs.forEach((seq, k) => {
      solved.set(ids[k]!, seq);
      if (breaks[k]) solvedBreaks.set(ids[k]!, breaks[k]!);
    });
  }
}
