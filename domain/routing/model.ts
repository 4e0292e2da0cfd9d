import type { RoutingProblem } from './routing.schemas.js';

/**
 * The solver's compiled view of a problem: jobs are internal nodes 0..J-1, each distinct depot
 * location gets a node after them, and all per-node data sits in typed arrays so the hot loops
 * touch flat memory only.
 */
export interface Model {
  /** Number of jobs (customer nodes 0..J-1). */
  J: number;
  /** Number of internal nodes (jobs + depots). */
  N: number;
  dist: Float64Array;
  time: Float64Array;
  /** One N×N arc-cost matrix per vehicle cost class; arc i→j includes the hourly cost of service at i. */
  costByClass: Float64Array[];
  ready: Float64Array;
  due: Float64Array;
  service: Float64Array;
  weight: Float64Array;
  volume: Float64Array;
  V: number;
  vStart: Int32Array;
  vEnd: Int32Array;
  vCapW: Float64Array;
  vCapV: Float64Array;
  vShiftStart: Float64Array;
  /** Latest arrival at the end node: min(shift end, shift start + max duration). */
  vLatestEnd: Float64Array;
  vFixed: Float64Array;
  vClass: Int32Array;
  /** Neighbour lists of jobs by distance (nearest first), K per job. */
  neighbours: Int32Array;
  K: number;
  hasTimeWindows: boolean;
  /** Cost charged per unassigned job so that serving a job always beats dropping it. */
  unassignedPenalty: number;
}

/** Stand-in for an unreachable pair: 10⁹ m / 10⁹ s, beyond any shift or sensible cost. */
export const UNREACHABLE = 1e9;

/** Compiles a parsed problem into typed arrays; `maxNeighbours` bounds the neighbour lists. */
export function compileModel(p: RoutingProblem, maxNeighbours = 100): Model {
  const J = p.jobs.length;
  const depotLoc: number[] = [];
  const depotNode = new Map<number, number>();
  const nodeOfLoc = (loc: number): number => {
    let node = depotNode.get(loc);
    if (node === undefined) {
      node = J + depotLoc.length;
      depotLoc.push(loc);
      depotNode.set(loc, node);
    }
    return node;
  };
  const V = p.vehicles.length;
  const vStart = new Int32Array(V);
  const vEnd = new Int32Array(V);
  for (let v = 0; v < V; v++) {
    vStart[v] = nodeOfLoc(p.vehicles[v].startIndex);
    vEnd[v] = nodeOfLoc(p.vehicles[v].endIndex);
  }
  const N = J + depotLoc.length;
  const loc = new Int32Array(N);
  for (let j = 0; j < J; j++) loc[j] = p.jobs[j].locationIndex;
  for (let d = 0; d < depotLoc.length; d++) loc[J + d] = depotLoc[d];

  const n = p.matrix.n;
  const dist = new Float64Array(N * N);
  const time = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const k = loc[i] * n + loc[j];
      const d = p.matrix.distanceM[k];
      const t = p.matrix.durationS[k];
      // Unreachable pairs (OSRM null → Infinity) become huge but finite, so cost deltas never turn into NaN or -Infinity.
      dist[i * N + j] = Number.isFinite(d) ? d : UNREACHABLE;
      time[i * N + j] = Number.isFinite(t) ? t : UNREACHABLE;
    }
  }

  const ready = new Float64Array(N);
  const due = new Float64Array(N).fill(Number.POSITIVE_INFINITY);
  const service = new Float64Array(N);
  const weight = new Float64Array(N);
  const volume = new Float64Array(N);
  let hasTimeWindows = false;
  for (let j = 0; j < J; j++) {
    const job = p.jobs[j];
    service[j] = job.serviceS;
    weight[j] = job.weightG;
    volume[j] = job.volumeCm3;
    if (job.timeWindow) {
      ready[j] = job.timeWindow.startS;
      due[j] = job.timeWindow.endS;
      hasTimeWindows = true;
    }
  }
  for (let i = J; i < N; i++) ready[i] = Number.NEGATIVE_INFINITY;

  const classKey = new Map<string, number>();
  const costByClass: Float64Array[] = [];
  const vClass = new Int32Array(V);
  const vCapW = new Float64Array(V);
  const vCapV = new Float64Array(V);
  const vShiftStart = new Float64Array(V);
  const vLatestEnd = new Float64Array(V);
  const vFixed = new Float64Array(V);
  let maxFixed = 0;
  for (let v = 0; v < V; v++) {
    const veh = p.vehicles[v];
    vCapW[v] = veh.capacityWeightG;
    vCapV[v] = veh.capacityVolumeCm3;
    vShiftStart[v] = veh.shiftStartS;
    vLatestEnd[v] = Math.min(veh.shiftEndS, veh.maxDurationS !== undefined ? veh.shiftStartS + veh.maxDurationS : Number.POSITIVE_INFINITY);
    if (Number.isFinite(vLatestEnd[v])) hasTimeWindows = true;
    vFixed[v] = veh.fixedCost;
    maxFixed = Math.max(maxFixed, veh.fixedCost);
    const key = `${veh.costPerKm}|${veh.costPerHour}`;
    let cls = classKey.get(key);
    if (cls === undefined) {
      cls = costByClass.length;
      classKey.set(key, cls);
      const c = new Float64Array(N * N);
      const perM = veh.costPerKm / 1000;
      const perS = veh.costPerHour / 3600;
      for (let i = 0; i < N; i++) {
        const svc = perS * service[i];
        for (let j = 0; j < N; j++) c[i * N + j] = i === j ? 0 : perM * dist[i * N + j] + perS * time[i * N + j] + svc;
      }
      costByClass.push(c);
    }
    vClass[v] = cls;
  }

  let maxArc = 0;
  for (const c of costByClass) for (let k = 0; k < c.length; k++) if (c[k] > maxArc) maxArc = c[k];

  const K = Math.max(0, Math.min(maxNeighbours, J - 1));
  const neighbours = new Int32Array(J * K);
  const order = new Int32Array(J);
  const key = new Float64Array(J);
  for (let i = 0; i < J; i++) {
    for (let j = 0; j < J; j++) {
      order[j] = j;
      key[j] = i === j ? Number.POSITIVE_INFINITY : dist[i * N + j] + dist[j * N + i];
    }
    const sorted = Array.from(order).sort((a, b) => key[a] - key[b] || a - b);
    for (let k = 0; k < K; k++) neighbours[i * K + k] = sorted[k];
  }

  return {
    J,
    N,
    dist,
    time,
    costByClass,
    ready,
    due,
    service,
    weight,
    volume,
    V,
    vStart,
    vEnd,
    vCapW,
    vCapV,
    vShiftStart,
    vLatestEnd,
    vFixed,
    vClass,
    neighbours,
    K,
    hasTimeWindows,
    unassignedPenalty: 10 * (2 * maxArc + maxFixed) + 1,
  };
}
