import type { Model } from './model.js';
import { simulateRoute, SIM_OK } from './route-sim.js';

/**
 * One vehicle's tour with the cached data that makes move evaluation O(1):
 * position 0 is the start depot, 1..m the jobs, m+1 the end depot.
 * `fwd[k]` is the earliest service start at position k (the vehicle leaves at shift start);
 * `bwd[k]` is the latest service start at k that keeps the rest of the tour feasible
 * (forward time / backward slack, Savelsbergh 1992, "The vehicle routing problem with time
 * windows: minimizing route duration"). `cumW/cumV/cumC` are prefix loads and arc costs.
 */
export class RouteState {
  nodes: number[] = [];
  fwd: Float64Array;
  bwd: Float64Array;
  cumW: Float64Array;
  cumV: Float64Array;
  cumP: Float64Array;
  cumC: Float64Array;
  /** Goods on board at the start (deliveries outside pairs). */
  loadW = 0;
  loadV = 0;
  loadP = 0;
  /** Arc cost plus fixed cost when the route is used. */
  cost = 0;
  distance = 0;
  feasible = true;
  /** Whether the route counted as used at the last update. */
  used = false;

  constructor(
    readonly v: number,
    readonly start: number,
    readonly end: number,
    capacity: number,
  ) {
    this.fwd = new Float64Array(capacity + 2);
    this.bwd = new Float64Array(capacity + 2);
    this.cumW = new Float64Array(capacity + 2);
    this.cumV = new Float64Array(capacity + 2);
    this.cumP = new Float64Array(capacity + 2);
    this.cumC = new Float64Array(capacity + 2);
  }

  /** Node at position k (0 = start depot, m+1 = end depot). */
  at(k: number): number {
    if (k === 0) return this.start;
    if (k > this.nodes.length) return this.end;
    return this.nodes[k - 1];
  }
}

export class SolutionState {
  routes: RouteState[];
  routeOf: Int32Array;
  posOf: Int32Array;
  unassigned: number[] = [];
  /** Number of non-empty routes, kept by update(). */
  usedRoutes = 0;
  /** Recreate may not open a route beyond this many used routes (fleet minimisation lowers it). */
  maxRoutes = Number.POSITIVE_INFINITY;
  /** Empty route chosen per vehicle type when a job needs a new route (first empty vehicle of that type). */
  readonly vType: Int32Array;
  readonly nTypes: number;

  constructor(readonly m: Model) {
    this.routes = [];
    for (let v = 0; v < m.V; v++) this.routes.push(new RouteState(v, m.vStart[v], m.vEnd[v], m.J));
    this.routeOf = new Int32Array(m.J).fill(-1);
    this.posOf = new Int32Array(m.J).fill(-1);
    // Vehicles that are interchangeable share a type, so recreate opens at most one empty route per type.
    const seen = new Map<string, number>();
    this.vType = new Int32Array(m.V);
    for (let v = 0; v < m.V; v++) {
      const breaks: number[] = [];
      for (let b = m.vBreakOff[v]; b < m.vBreakOff[v + 1]; b++) breaks.push(m.bStart[b], m.bEnd[b], m.bDur[b]);
      const key = `${m.vStart[v]}|${m.vEnd[v]}|${m.vCapW[v]}|${m.vCapV[v]}|${m.vCapP[v]}|${m.vShiftStart[v]}|${m.vLatestEnd[v]}|${m.vFixed[v]}|${m.vClass[v]}|${m.vSkill[v]}|${m.vMaxDist[v]}|${breaks.join(',')}|${m.vTime.indexOf(m.vTime[v])}`;
      let t = seen.get(key);
      if (t === undefined) {
        t = seen.size;
        seen.set(key, t);
      }
      this.vType[v] = t;
    }
    this.nTypes = seen.size;
  }

  /** Recomputes the cached arrays of route r in O(m) and re-indexes its jobs. */
  update(r: number): void {
    const m = this.m;
    const R = this.routes[r];
    const N = m.N;
    const nodes = R.nodes;
    const len = nodes.length;
    const c = m.costByClass[m.vClass[R.v]];
    const { ready, due, service, weight, volume, pallets } = m;
    const time = m.vTime[R.v];
    const dist = m.vDist[R.v];
    let prev = R.start;
    let t = m.vShiftStart[R.v];
    let w = 0;
    let vol = 0;
    let pal = 0;
    let cost = 0;
    let d = 0;
    let feasible = true;
    R.fwd[0] = t;
    R.cumW[0] = 0;
    R.cumV[0] = 0;
    R.cumP[0] = 0;
    R.cumC[0] = 0;
    for (let k = 1; k <= len + 1; k++) {
      const x = k <= len ? nodes[k - 1] : R.end;
      if (k <= len) {
        this.routeOf[x] = r;
        this.posOf[x] = k;
      }
      const a = prev * N + x;
      t = t + service[prev] + time[a];
      if (t < ready[x]) t = ready[x];
      if (t > due[x]) feasible = false;
      cost += c[a];
      d += dist[a];
      w += weight[x];
      vol += volume[x];
      pal += pallets[x];
      R.fwd[k] = t;
      R.cumW[k] = w;
      R.cumV[k] = vol;
      R.cumP[k] = pal;
      R.cumC[k] = cost;
      prev = x;
    }
    if (t > m.vLatestEnd[R.v]) feasible = false;
    let late = m.vLatestEnd[R.v];
    R.bwd[len + 1] = late;
    let next = R.end;
    for (let k = len; k >= 0; k--) {
      const x = k >= 1 ? nodes[k - 1] : R.start;
      late = late - time[x * N + next] - service[x];
      if (due[x] < late) late = due[x];
      R.bwd[k] = late;
      next = x;
    }
    R.loadW = w;
    R.loadV = vol;
    R.loadP = pal;
    R.distance = d;
    R.feasible = feasible && w <= m.vCapW[R.v] + 1e-9 && vol <= m.vCapV[R.v] + 1e-9 && pal <= m.vCapP[R.v] + 1e-9;
    if (R.feasible && m.complex) R.feasible = simulateRoute(m, R.v, nodes, len) === SIM_OK;
    R.cost = len === 0 ? 0 : cost + m.vFixed[R.v];
    if (R.used !== len > 0) {
      R.used = len > 0;
      this.usedRoutes += R.used ? 1 : -1;
    }
  }

  updateAll(): void {
    for (let r = 0; r < this.routes.length; r++) this.update(r);
  }

  /** Objective: route costs plus the penalty of each unassigned job. */
  totalCost(): number {
    let s = 0;
    for (const R of this.routes) s += R.cost;
    for (const j of this.unassigned) s += this.m.penalty[j];
    return s;
  }

  /** Copies the tours (not the caches) for later restore. */
  snapshot(): number[][] {
    return this.routes.map((R) => R.nodes.slice());
  }

  /** Restores tours from a snapshot and rebuilds every cache. */
  restore(snap: number[][]): void {
    this.routeOf.fill(-1);
    for (let r = 0; r < this.routes.length; r++) this.routes[r].nodes = snap[r].slice();
    this.updateAll();
    this.unassigned = [];
    for (let j = 0; j < this.m.J; j++) if (this.routeOf[j] < 0) this.unassigned.push(j);
  }
}
