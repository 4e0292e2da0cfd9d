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
  /** Default-profile matrices (neighbour lists, sorting); routes use vDist/vTime of their vehicle. */
  dist: Float64Array;
  time: Float64Array;
  /** Distance and time matrices of each vehicle's profile (shared between vehicles of one profile). */
  vDist: Float64Array[];
  vTime: Float64Array[];
  /** One N×N arc-cost matrix per vehicle cost class; arc i→j includes the hourly cost of service at i. */
  costByClass: Float64Array[];
  ready: Float64Array;
  due: Float64Array;
  service: Float64Array;
  /** Amounts delivered from the depot (jobs outside pickup-and-delivery pairs; 0 for paired jobs). */
  weight: Float64Array;
  volume: Float64Array;
  pallets: Float64Array;
  /** Signed load change at a paired job: +amount at the pickup, -amount at the delivery. */
  pairW: Float64Array;
  pairV: Float64Array;
  pairP: Float64Array;
  /** The other job of a job's pickup-and-delivery pair, or -1. */
  partner: Int32Array;
  isPickup: Uint8Array;
  hasPairs: boolean;
  /** Skill bit set a job needs (jobs) / a vehicle offers. */
  jSkill: Int32Array;
  vSkill: Int32Array;
  /** Cost of leaving job j unassigned (mandatory: far above any route cost, scaled by priority). */
  penalty: Float64Array;
  optional: Uint8Array;
  hasOptional: boolean;
  V: number;
  vStart: Int32Array;
  vEnd: Int32Array;
  vCapW: Float64Array;
  vCapV: Float64Array;
  vCapP: Float64Array;
  vMaxDist: Float64Array;
  /** Breaks of vehicle v are entries vBreakOff[v]..vBreakOff[v+1]-1, sorted by window start. */
  vBreakOff: Int32Array;
  bStart: Float64Array;
  bEnd: Float64Array;
  bDur: Float64Array;
  /** Index of the break in its vehicle's `breaks` list. */
  bIndex: Int32Array;
  /**
   * True when some rule is not covered by the O(1) checks of the hot loops (breaks, pairs,
   * skills across route tails, max distance): every candidate then also passes route-sim.ts.
   */
  complex: boolean;
  vShiftStart: Float64Array;
  /** Latest arrival at the end node: min(shift end, shift start + max duration). */
  vLatestEnd: Float64Array;
  vFixed: Float64Array;
  vClass: Int32Array;
  /** Neighbour lists of jobs by distance (nearest first), K per job. */
  neighbours: Int32Array;
  K: number;
  hasTimeWindows: boolean;
  /**
   * Planar coordinates of each node (x at 2i, y at 2i+1) when the problem gave them, else null:
   * search guidance only (HGS's polar sectors), never a cost.
   */
  xy: Float64Array | null;
  /** Cost charged per unassigned mandatory job of priority 0, so that serving a job always beats dropping it. */
  unassignedPenalty: number;
}

/** Location index of the virtual end of open routes: zero distance and time from anywhere. */
const ANYWHERE = -1;

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
    const e = p.vehicles[v].endIndex;
    vEnd[v] = nodeOfLoc(e === undefined ? ANYWHERE : e);
  }
  const N = J + depotLoc.length;
  const loc = new Int32Array(N);
  for (let j = 0; j < J; j++) loc[j] = p.jobs[j].locationIndex;
  for (let d = 0; d < depotLoc.length; d++) loc[J + d] = depotLoc[d];

  const n = p.matrix.n;
  const compileMatrix = (mx: RoutingProblem['matrix']): [Float64Array, Float64Array] => {
    const dist = new Float64Array(N * N);
    const time = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        if (loc[i] === ANYWHERE || loc[j] === ANYWHERE) continue;
        const k = loc[i] * n + loc[j];
        const d = mx.distanceM[k];
        const t = mx.durationS[k];
        // Unreachable pairs (OSRM null → Infinity) become huge but finite, so cost deltas never turn into NaN or -Infinity.
        dist[i * N + j] = Number.isFinite(d) ? d : UNREACHABLE;
        time[i * N + j] = Number.isFinite(t) ? t : UNREACHABLE;
      }
    }
    return [dist, time];
  };
  const [dist, time] = compileMatrix(p.matrix);
  const byProfile = new Map<string, [Float64Array, Float64Array]>();
  const vDist: Float64Array[] = [];
  const vTime: Float64Array[] = [];
  for (const veh of p.vehicles) {
    let dt: [Float64Array, Float64Array] = [dist, time];
    if (veh.profile !== undefined && p.matrices[veh.profile]) {
      dt = byProfile.get(veh.profile) ?? compileMatrix(p.matrices[veh.profile]);
      byProfile.set(veh.profile, dt);
    }
    vDist.push(dt[0]);
    vTime.push(dt[1]);
  }

  const ready = new Float64Array(N);
  const due = new Float64Array(N).fill(Number.POSITIVE_INFINITY);
  const service = new Float64Array(N);
  const weight = new Float64Array(N);
  const volume = new Float64Array(N);
  const pallets = new Float64Array(N);
  const pairW = new Float64Array(N);
  const pairV = new Float64Array(N);
  const pairP = new Float64Array(N);
  const partner = new Int32Array(N).fill(-1);
  const isPickup = new Uint8Array(N);
  for (const pr of p.pairs) {
    partner[pr.pickupIndex] = pr.deliveryIndex;
    partner[pr.deliveryIndex] = pr.pickupIndex;
    isPickup[pr.pickupIndex] = 1;
  }
  const skillBit = new Map<string, number>();
  const bitOf = (name: string): number => {
    let b = skillBit.get(name);
    if (b === undefined) {
      b = skillBit.size;
      if (b >= 31) throw new RangeError('more than 31 distinct skills');
      skillBit.set(name, b);
    }
    return 1 << b;
  };
  const jSkill = new Int32Array(N);
  let hasTimeWindows = false;
  for (let j = 0; j < J; j++) {
    const job = p.jobs[j];
    service[j] = job.serviceS;
    for (const sk of job.skills) jSkill[j] |= bitOf(sk);
    if (partner[j] >= 0) {
      const sign = isPickup[j] ? 1 : -1;
      pairW[j] = sign * job.weightG;
      pairV[j] = sign * job.volumeCm3;
      pairP[j] = sign * job.pallets;
    } else {
      weight[j] = job.weightG;
      volume[j] = job.volumeCm3;
      pallets[j] = job.pallets;
    }
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
  const vCapP = new Float64Array(V);
  const vMaxDist = new Float64Array(V);
  const vSkill = new Int32Array(V);
  const vBreakOff = new Int32Array(V + 1);
  const bStart: number[] = [];
  const bEnd: number[] = [];
  const bDur: number[] = [];
  const bIndex: number[] = [];
  const vShiftStart = new Float64Array(V);
  const vLatestEnd = new Float64Array(V);
  const vFixed = new Float64Array(V);
  let maxFixed = 0;
  for (let v = 0; v < V; v++) {
    const veh = p.vehicles[v];
    vCapW[v] = veh.capacityWeightG;
    vCapV[v] = veh.capacityVolumeCm3;
    vCapP[v] = veh.capacityPallets;
    vMaxDist[v] = veh.maxDistanceM ?? Number.POSITIVE_INFINITY;
    // Skills no job asks for do not matter, and must not use up bits.
    for (const sk of veh.skills) if (skillBit.has(sk)) vSkill[v] |= 1 << skillBit.get(sk)!;
    vBreakOff[v] = bStart.length;
    const order = veh.breaks.map((b, i) => ({ b, i })).sort((x, y) => x.b.startS - y.b.startS || x.i - y.i);
    for (const { b, i } of order) {
      bStart.push(b.startS);
      bEnd.push(b.endS);
      bDur.push(b.durationS);
      bIndex.push(i);
    }
    vShiftStart[v] = veh.shiftStartS;
    vLatestEnd[v] = Math.min(veh.shiftEndS, veh.maxDurationS !== undefined ? veh.shiftStartS + veh.maxDurationS : Number.POSITIVE_INFINITY);
    if (Number.isFinite(vLatestEnd[v])) hasTimeWindows = true;
    vFixed[v] = veh.fixedCost;
    maxFixed = Math.max(maxFixed, veh.fixedCost);
    const key = `${veh.costPerKm}|${veh.costPerHour}|${veh.profile ?? ''}`;
    let cls = classKey.get(key);
    if (cls === undefined) {
      cls = costByClass.length;
      classKey.set(key, cls);
      const c = new Float64Array(N * N);
      const perM = veh.costPerKm / 1000;
      const perS = veh.costPerHour / 3600;
      const vd = vDist[v];
      const vt = vTime[v];
      for (let i = 0; i < N; i++) {
        const svc = perS * service[i];
        for (let j = 0; j < N; j++) c[i * N + j] = i === j ? 0 : perM * vd[i * N + j] + perS * vt[i * N + j] + svc;
      }
      costByClass.push(c);
    }
    vClass[v] = cls;
  }
  vBreakOff[V] = bStart.length;

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

  const base = 10 * (2 * maxArc + maxFixed) + 1;
  const penalty = new Float64Array(J);
  const optional = new Uint8Array(J);
  let hasOptional = false;
  for (let j = 0; j < J; j++) {
    const job = p.jobs[j];
    if (job.optional) {
      optional[j] = 1;
      hasOptional = true;
      penalty[j] = job.dropPenalty ?? 0;
    } else penalty[j] = base * (1 + job.priority);
  }
  let xy: Float64Array | null = null;
  if (p.coordinates && p.coordinates.length === n) {
    xy = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) {
      // The virtual end of open routes has no place: it stays at (0, 0) and is never a job.
      if (loc[i] === ANYWHERE) continue;
      xy[2 * i] = p.coordinates[loc[i]][0];
      xy[2 * i + 1] = p.coordinates[loc[i]][1];
    }
  }
  let anySkill = false;
  for (let j = 0; j < J; j++) if (jSkill[j] !== 0) anySkill = true;
  let anyMaxDist = false;
  for (let v = 0; v < V; v++) if (Number.isFinite(vMaxDist[v])) anyMaxDist = true;
  if (bStart.length > 0) hasTimeWindows = true;

  return {
    J,
    N,
    dist,
    time,
    vDist,
    vTime,
    costByClass,
    ready,
    due,
    service,
    weight,
    volume,
    pallets,
    pairW,
    pairV,
    pairP,
    partner,
    isPickup,
    hasPairs: p.pairs.length > 0,
    jSkill,
    vSkill,
    penalty,
    optional,
    hasOptional,
    V,
    vStart,
    vEnd,
    vCapW,
    vCapV,
    vCapP,
    vMaxDist,
    vBreakOff,
    bStart: Float64Array.from(bStart),
    bEnd: Float64Array.from(bEnd),
    bDur: Float64Array.from(bDur),
    bIndex: Int32Array.from(bIndex),
    complex: bStart.length > 0 || p.pairs.length > 0 || anySkill || anyMaxDist,
    vShiftStart,
    vLatestEnd,
    vFixed,
    vClass,
    neighbours,
    K,
    hasTimeWindows,
    xy,
    unassignedPenalty: base,
  };
}
