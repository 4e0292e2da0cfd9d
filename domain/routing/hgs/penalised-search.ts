import type { Rng } from '../prng.js';
import { SwapStarState, swapStarRoutes } from './penalised-swap-star.js';

/**
 * The education of HGS-CVRP (Vidal 2022, "Hybrid genetic search for the CVRP: Open-source
 * implementation and SWAP* neighborhood", Computers & Operations Research 140:105643, section 3.2
 * and 4): a local search in which capacity is soft, each unit of load over the capacity costing
 * `penalty` (Vidal et al. 2012, Operations Research 60(3), section 4.5: the search may cross
 * infeasible space, the penalty is adapted so that about 20 % of the educated offspring come out
 * feasible, penalty.ts). Moves over granular neighbourhoods (Toth & Vigo 2003) of each job u and
 * a correlated job v, x = succ(u), y = succ(v): relocate u, (u,x) and (x,u) after v; swap u with
 * v, (u,x) with v, (u,x) with (v,y); 2-opt inside a route; both 2-opt* between routes; the moves
 * of u into an empty route; then SWAP* between neighbouring routes (penalised-swap-star.ts).
 * First improvement, moves of u tried again only when a route they touch changed since u was last
 * tried (HGS-CVRP's modification stamps, Vidal 2022 section 3.2).
 *
 * Routes are arrays with the depot at both ends and prefix sums of load, forward arc cost and
 * reversed arc cost, so every move is priced in O(1) for any (also asymmetric) cost matrix.
 * One depot, identical vehicles, one capacity dimension.
 */

export interface CvrpData {
  J: number;
  /** Row length of `cost`; job j is node j. */
  N: number;
  depot: number;
  cost: Float64Array;
  demand: Float64Array;
  cap: number;
  /** Per-route fixed cost (paid by non-empty routes). */
  fixed: number;
  /** Correlated jobs of each job (granular neighbourhood, symmetric). */
  near: Int32Array[];
  /**
   * Planar coordinates of the nodes (x, y of node i at 2i, 2i+1), when the problem has them: SWAP*
   * then pairs routes whose polar sectors overlap, and giant tours order routes by polar angle,
   * as HGS-CVRP does (Vidal 2022). Null: matrix-only rules (penalised-swap-star.ts, giant-tour.ts).
   */
  xy?: Float64Array | null;
}

/**
 * Polar angle of each job around the depot on HGS-CVRP's integer circle of 65,536 units
 * (Vidal 2022, CircleSector: (int)(32768 · atan2(dy, dx) / π), taken modulo 65,536).
 */
export function polarAngles(d: CvrpData): Int32Array | null {
  const xy = d.xy;
  if (!xy) return null;
  const x0 = xy[2 * d.depot];
  const y0 = xy[2 * d.depot + 1];
  const out = new Int32Array(d.J);
  for (let j = 0; j < d.J; j++) out[j] = circleMod(Math.trunc((32768 * Math.atan2(xy[2 * j + 1] - y0, xy[2 * j] - x0)) / Math.PI));
  return out;
}

export function circleMod(i: number): number {
  return ((i % 65536) + 65536) % 65536;
}

/** Whether two circle sectors [start, end] (clockwise from start, in 65,536ths) overlap (HGS-CVRP's CircleSector::overlap). */
export function sectorsOverlap(s1: number, e1: number, s2: number, e2: number): boolean {
  return circleMod(s2 - s1) <= circleMod(e1 - s1) || circleMod(s1 - s2) <= circleMod(e2 - s2);
}

const EPS = 1e-7;

/** Load over `cap` priced at `penalty` per unit. */
function over(l: number, cap: number, penalty: number): number {
  return l > cap ? (l - cap) * penalty : 0;
}

/** Fixed cost change when a route goes from `before` to `after` jobs. */
function fixDelta(before: number, after: number, fixed: number): number {
  return before === 0 ? (after === 0 ? 0 : fixed) : after === 0 ? -fixed : 0;
}

/**
 * Distance change of exchanging segment [u1..u2] (between pu and nu) with segment [v1..v2] (between pv and nv): the
 * shared arithmetic of the swap moves and packLoads, in one order so every caller gets the same floating-point sum.
 */
function swapDelta(
  c: Float64Array,
  N: number,
  pu: number,
  u1: number,
  u2: number,
  nu: number,
  pv: number,
  v1: number,
  v2: number,
  nv: number,
): number {
  return (
    c[pu * N + v1] + c[v2 * N + nu] - c[pu * N + u1] - c[u2 * N + nu] + c[pv * N + u1] + c[u2 * N + nv] - c[pv * N + v1] - c[v2 * N + nv]
  );
}

export class PenalisedSearch {
  penalty = 1;
  /** Whether the search may move jobs into an empty route (false: the fleet stays at most what it was given). */
  openRoutes = true;
  readonly R: number;
  /** Row stride of the route arrays: route r occupies [r·W, r·W + W). */
  readonly W: number;
  /** seq[r·W + k]: node at position k of route r (0 and len+1: the depot). */
  readonly seq: Int32Array;
  readonly len: Int32Array;
  /** load[r·W + k]: load of positions 1..k. fwd: arcs 0→…→k. rev: arcs k→…→0. */
  readonly load: Float64Array;
  readonly fwd: Float64Array;
  readonly rev: Float64Array;
  readonly routeOf: Int32Array;
  readonly pos: Int32Array;
  readonly modified: Int32Array;
  readonly swapTested: Int32Array;
  /** Polar angle of each job (polarAngles), or null without coordinates. */
  readonly angle: Int32Array | null;
  /** Polar sector [secStart, secEnd] of each route's jobs around the depot (with `angle`). */
  readonly secStart: Int32Array;
  readonly secEnd: Int32Array;
  moves = 1;
  private readonly tested: Int32Array;
  private readonly order: Int32Array;
  private readonly rOrder: Int32Array;
  private readonly buf: Int32Array;
  private readonly buf2: Int32Array;
  private readonly cost: Float64Array;
  private readonly N: number;
  private readonly swapStar: SwapStarState;

  // The pair (u, v) under evaluation, read once per pair by setU/setV (HGS-CVRP's
  // setLocalVariablesRouteU/V): routes, positions, neighbours, loads and their penalties.
  private ra = 0;
  private rb = 0;
  private pi = 0;
  private pj = 0;
  private la = 0;
  private lb = 0;
  private nu = 0;
  private npu = 0;
  private nx = 0;
  private nxx = -1;
  private nv = 0;
  private npv = -1;
  private ny = 0;
  private nyy = -1;
  private loadA = 0;
  private loadB = 0;
  private penA = 0;
  private penB = 0;
  private du = 0;
  private dx = 0;
  private dv = 0;
  private dy = 0;

  constructor(
    readonly d: CvrpData,
    routes: number,
  ) {
    const J = d.J;
    this.R = routes;
    this.W = J + 2;
    this.seq = new Int32Array(routes * this.W);
    this.len = new Int32Array(routes);
    this.load = new Float64Array(routes * this.W);
    this.fwd = new Float64Array(routes * this.W);
    this.rev = new Float64Array(routes * this.W);
    this.routeOf = new Int32Array(J);
    this.pos = new Int32Array(J);
    this.modified = new Int32Array(routes);
    this.swapTested = new Int32Array(routes);
    this.tested = new Int32Array(J);
    this.order = new Int32Array(J);
    this.rOrder = new Int32Array(routes);
    this.buf = new Int32Array(J + 2);
    this.buf2 = new Int32Array(J + 2);
    this.cost = d.cost;
    this.N = d.N;
    this.swapStar = new SwapStarState(routes, J);
    this.angle = polarAngles(d);
    this.secStart = new Int32Array(routes);
    this.secEnd = new Int32Array(routes);
    // Empty routes read as depot → depot.
    for (let r = 0; r < routes; r++) {
      this.seq[r * this.W] = d.depot;
      this.seq[r * this.W + 1] = d.depot;
    }
  }

  /** Loads routes (at most R of them); the other route slots are empty. */
  load_(routes: number[][]): void {
    this.moves++;
    for (let r = 0; r < this.R; r++) {
      const src = r < routes.length ? routes[r] : [];
      if (src.length === 0 && this.len[r] === 0) {
        this.modified[r] = this.moves;
        continue;
      }
      for (let k = 0; k < src.length; k++) this.buf[k] = src[k];
      this.setRoute(r, this.buf, src.length);
    }
  }

  /** Writes route r as nodes[0..n-1] between two depots and refreshes its prefix sums. */
  setRoute(r: number, nodes: Int32Array | number[], n: number): void {
    const { cost, N } = this;
    const { depot, demand } = this.d;
    const s = this.seq;
    const L = this.load;
    const F = this.fwd;
    const B = this.rev;
    const o = r * this.W;
    s[o] = depot;
    for (let k = 0; k < n; k++) s[o + k + 1] = nodes[k];
    s[o + n + 1] = depot;
    L[o] = 0;
    F[o] = 0;
    B[o] = 0;
    for (let k = 1; k <= n + 1; k++) {
      const a = s[o + k - 1];
      const b = s[o + k];
      L[o + k] = L[o + k - 1] + (k <= n ? demand[b] : 0);
      F[o + k] = F[o + k - 1] + cost[a * N + b];
      B[o + k] = B[o + k - 1] + cost[b * N + a];
      if (k <= n) {
        this.routeOf[b] = r;
        this.pos[b] = k;
      }
    }
    this.len[r] = n;
    this.modified[r] = this.moves;
    const ang = this.angle;
    if (ang && n > 0) {
      // The smallest sector holding the route's jobs, grown job by job (HGS-CVRP's CircleSector::extend).
      let st = ang[s[o + 1]];
      let en = st;
      for (let k = 2; k <= n; k++) {
        const a = ang[s[o + k]];
        if (circleMod(a - st) <= circleMod(en - st)) continue;
        if (circleMod(a - en) <= circleMod(st - a)) en = a;
        else st = a;
      }
      this.secStart[r] = st;
      this.secEnd[r] = en;
    }
  }

  /** Node at position k of route r. */
  at(r: number, k: number): number {
    return this.seq[r * this.W + k];
  }

  /** Total load of route r. */
  routeLoad(r: number): number {
    return this.load[r * this.W + this.len[r]];
  }

  routes(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.R; r++) {
      const o = r * this.W;
      if (this.len[r] > 0) out.push(Array.from(this.seq.subarray(o + 1, o + this.len[r] + 1)));
    }
    return out;
  }

  /** Arc and fixed costs of the routes. */
  distance(): number {
    let c = 0;
    for (let r = 0; r < this.R; r++) if (this.len[r] > 0) c += this.fwd[r * this.W + this.len[r] + 1] + this.d.fixed;
    return c;
  }

  /** Total load over the capacity. */
  excess(): number {
    let e = 0;
    for (let r = 0; r < this.R; r++) e += Math.max(0, this.routeLoad(r) - this.d.cap);
    return e;
  }

  pen(l: number): number {
    return over(l, this.d.cap, this.penalty);
  }

  /** Runs the local search to a local optimum under the current penalty. */
  run(rng: Rng): void {
    const J = this.d.J;
    const order = this.order;
    for (let i = 0; i < J; i++) order[i] = i;
    rng.shuffle(order);
    // HGS-CVRP reshuffles a job's correlated list now and then so that ties do not always fall alike.
    for (let i = 0; i < J; i++) {
      const l = this.d.near[i];
      if (l.length > 1 && rng.int(l.length) === 0) rng.shuffle(l);
    }
    const rOrder = this.rOrder;
    for (let r = 0; r < this.R; r++) rOrder[r] = r;
    rng.shuffle(rOrder);
    this.tested.fill(0);
    this.swapTested.fill(0);
    this.moves++;
    this.modified.fill(this.moves);
    const { routeOf, modified, tested, len } = this;
    for (let loop = 0; ; loop++) {
      let improved = false;
      for (let oi = 0; oi < J; oi++) {
        const u = order[oi];
        const last = tested[u];
        tested[u] = this.moves;
        const near = this.d.near[u];
        // u's fields are read once and again only after a move (which may have moved u).
        let uRead = false;
        for (let k = 0; k < near.length; k++) {
          const v = near[k];
          if (loop > 0 && Math.max(modified[routeOf[u]], modified[routeOf[v]]) <= last) continue;
          if (!uRead) {
            this.setU(u);
            uRead = true;
          }
          if (this.tryPair(v)) {
            improved = true;
            uRead = false;
          }
        }
        if (loop > 0 && this.openRoutes) {
          // Moves into an empty route (HGS-CVRP tries them with the depot of one empty route as v).
          for (let r = 0; r < this.R; r++) {
            if (len[r] !== 0) continue;
            if (modified[routeOf[u]] > last || modified[r] > last) {
              this.setU(u);
              this.setV(r, 0);
              if (this.relocate() || this.relocatePair(false) || this.relocatePair(true)) improved = true;
              else if (this.twoOptStarTail()) improved = true;
            }
            break;
          }
        }
      }
      if (swapStarRoutes(this, this.swapStar, rOrder)) improved = true;
      if (!improved) break;
    }
  }

  /** Reads u's route, position, neighbours and load into the pair's fields. */
  private setU(u: number): void {
    const a = this.routeOf[u];
    const i = this.pos[u];
    const o = a * this.W;
    const la = this.len[a];
    const S = this.seq;
    const demand = this.d.demand;
    this.ra = a;
    this.pi = i;
    this.la = la;
    this.nu = u;
    this.npu = S[o + i - 1];
    this.nx = S[o + i + 1];
    this.nxx = i < la ? S[o + i + 2] : -1;
    this.du = demand[u];
    this.dx = i < la ? demand[this.nx] : 0;
    this.loadA = this.load[o + la];
    this.penA = over(this.loadA, this.d.cap, this.penalty);
  }

  /** Reads position j of route b (j = 0: its start depot) as v into the pair's fields. */
  private setV(b: number, j: number): void {
    const o = b * this.W;
    const lb = this.len[b];
    const S = this.seq;
    const demand = this.d.demand;
    this.rb = b;
    this.pj = j;
    this.lb = lb;
    this.nv = S[o + j];
    this.npv = j > 0 ? S[o + j - 1] : -1;
    this.ny = S[o + j + 1];
    this.nyy = j > 0 && j < lb ? S[o + j + 2] : -1;
    this.dv = j > 0 ? demand[this.nv] : 0;
    this.dy = j > 0 && j < lb ? demand[this.ny] : 0;
    this.loadB = this.load[o + lb];
    this.penB = over(this.loadB, this.d.cap, this.penalty);
  }

  /** Tries the moves of u (read by setU) with v; true when one was applied. */
  private tryPair(v: number): boolean {
    this.setV(this.routeOf[v], this.pos[v]);
    if (this.relocate()) return true;
    if (this.relocatePair(false)) return true;
    if (this.relocatePair(true)) return true;
    if (this.swap11()) return true;
    if (this.swap21()) return true;
    if (this.swap22()) return true;
    if (this.ra === this.rb) {
      if (this.twoOptIntra()) return true;
    } else {
      if (this.twoOptStarTail()) return true;
      if (this.twoOptStarReverse()) return true;
    }
    // v first in its route: the same moves at the route's start (v = depot), as HGS-CVRP does.
    if (this.pj === 1) {
      this.setV(this.rb, 0);
      if (this.relocate() || this.relocatePair(false) || this.relocatePair(true)) return true;
      if (this.ra !== this.rb && this.twoOptStarTail()) return true;
    }
    return false;
  }

  /** Relocates u after v (position j of route b; j = 0: after the depot). */
  private relocate(): boolean {
    const { cost, N, ra: a, rb: b, pi: i, pj: j, npu: pu, nu: u, nx: x, nv: v, ny: y } = this;
    if (a === b && (j === i - 1 || j === i)) return false;
    let delta = cost[pu * N + x] - cost[pu * N + u] - cost[u * N + x] + cost[v * N + u] + cost[u * N + y] - cost[v * N + y];
    if (a !== b) {
      const { cap, fixed } = this.d;
      const p = this.penalty;
      const du = this.du;
      delta += over(this.loadA - du, cap, p) - this.penA + over(this.loadB + du, cap, p) - this.penB;
      delta += fixDelta(this.la, this.la - 1, fixed) + fixDelta(this.lb, this.lb + 1, fixed);
    }
    if (delta > -EPS) return false;
    this.applyMove(a, b, i, 1, j, false);
    return true;
  }

  /** Relocates (u, x) after v, reversed as (x, u) when `reversed`. */
  private relocatePair(reversed: boolean): boolean {
    const { cost, N, ra: a, rb: b, pi: i, pj: j, npu: pu, nu: u, nx: x, nxx: xx, nv: v, ny: y } = this;
    if (i >= this.la) return false;
    if (a === b && j >= i - 1 && j <= i + 1) return false;
    let delta = cost[pu * N + xx] - cost[pu * N + u] - cost[x * N + xx] - cost[v * N + y];
    delta += reversed ? cost[v * N + x] + cost[x * N + u] + cost[u * N + y] - cost[u * N + x] : cost[v * N + u] + cost[x * N + y];
    if (a !== b) {
      const { cap, fixed } = this.d;
      const p = this.penalty;
      const dd = this.du + this.dx;
      delta += over(this.loadA - dd, cap, p) - this.penA + over(this.loadB + dd, cap, p) - this.penB;
      delta += fixDelta(this.la, this.la - 2, fixed) + fixDelta(this.lb, this.lb + 2, fixed);
    }
    if (delta > -EPS) return false;
    this.applyMove(a, b, i, 2, j, reversed);
    return true;
  }

  private swap11(): boolean {
    const { cost, N, ra: a, rb: b, pi: i, pj: j, npu: pu, nu: u, nx: x, npv: pv, nv: v, ny: y } = this;
    if (a === b && Math.abs(i - j) <= 1) return false;
    let delta = swapDelta(cost, N, pu, u, u, x, pv, v, v, y);
    if (a !== b) delta += this.swapPen(this.du, this.dv);
    if (delta > -EPS) return false;
    this.applySwap(a, b, i, 1, j, 1);
    return true;
  }

  private swap21(): boolean {
    const { cost, N, ra: a, rb: b, pi: i, pj: j, npu: pu, nu: u, nx: x, nxx: xx, npv: pv, nv: v, ny: y } = this;
    if (i >= this.la) return false;
    if (a === b && j >= i - 1 && j <= i + 2) return false;
    let delta = swapDelta(cost, N, pu, u, x, xx, pv, v, v, y);
    if (a !== b) delta += this.swapPen(this.du + this.dx, this.dv);
    if (delta > -EPS) return false;
    this.applySwap(a, b, i, 2, j, 1);
    return true;
  }

  private swap22(): boolean {
    const { cost, N, ra: a, rb: b, pi: i, pj: j, npu: pu, nu: u, nx: x, nxx: xx, npv: pv, nv: v, ny: y, nyy: yy } = this;
    if (i >= this.la || j >= this.lb) return false;
    if (a === b && j >= i - 2 && j <= i + 2) return false;
    let delta = swapDelta(cost, N, pu, u, x, xx, pv, v, y, yy);
    if (a !== b) delta += this.swapPen(this.du + this.dx, this.dv + this.dy);
    if (delta > -EPS) return false;
    this.applySwap(a, b, i, 2, j, 2);
    return true;
  }

  private swapPen(out: number, inn: number): number {
    const cap = this.d.cap;
    const p = this.penalty;
    return over(this.loadA - out + inn, cap, p) - this.penA + over(this.loadB - inn + out, cap, p) - this.penB;
  }

  /** Reverses the segment x..v of a route so that u→v and x→y become arcs (u before v). */
  private twoOptIntra(): boolean {
    const { cost, N, ra: r, pi: i, pj: j, nu: u, nx: x, nv: v, ny: y } = this;
    if (j <= i + 1) return false;
    const o = r * this.W;
    const F = this.fwd;
    const B = this.rev;
    const delta =
      cost[u * N + v] + cost[x * N + y] - cost[u * N + x] - cost[v * N + y] + (B[o + j] - B[o + i + 1]) - (F[o + j] - F[o + i + 1]);
    if (delta > -EPS) return false;
    const S = this.seq;
    const n = this.la;
    const t = this.buf;
    let w = 0;
    for (let k = 1; k <= i; k++) t[w++] = S[o + k];
    for (let k = j; k > i; k--) t[w++] = S[o + k];
    for (let k = j + 1; k <= n; k++) t[w++] = S[o + k];
    this.moves++;
    this.setRoute(r, t, n);
    return true;
  }

  /** 2-opt*: A' = A[..u] + B[j+1..], B' = B[..j] + A[succ u..] (arcs u→y and v→x). */
  private twoOptStarTail(): boolean {
    const { cost, N, ra: a, rb: b, pi: i, pj: j, la, lb, nu: u, nx: x, nv: v, ny: y } = this;
    if (a === b) return false;
    const oa = a * this.W;
    const ob = b * this.W;
    const F = this.fwd;
    const L = this.load;
    const costA = F[oa + i] + cost[u * N + y] + F[ob + lb + 1] - F[ob + j + 1];
    const costB = F[ob + j] + cost[v * N + x] + F[oa + la + 1] - F[oa + i + 1];
    const nA = i + (lb - j);
    const nB = j + (la - i);
    const { cap, fixed } = this.d;
    const p = this.penalty;
    let delta = costA + costB - F[oa + la + 1] - F[ob + lb + 1];
    delta += fixDelta(la, nA, fixed) + fixDelta(lb, nB, fixed);
    delta += over(L[oa + i] + L[ob + lb] - L[ob + j], cap, p) + over(L[ob + j] + L[oa + la] - L[oa + i], cap, p) - this.penA - this.penB;
    if (delta > -EPS) return false;
    const S = this.seq;
    const t = this.buf;
    const t2 = this.buf2;
    let w = 0;
    for (let k = 1; k <= i; k++) t[w++] = S[oa + k];
    for (let k = j + 1; k <= lb; k++) t[w++] = S[ob + k];
    let w2 = 0;
    for (let k = 1; k <= j; k++) t2[w2++] = S[ob + k];
    for (let k = i + 1; k <= la; k++) t2[w2++] = S[oa + k];
    this.moves++;
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
    return true;
  }

  /** 2-opt* reversed: A' = A[..u] + reverse(B[..v]), B' = reverse(A[succ u..]) + B[succ v..] (arcs u→v and x→y). */
  private twoOptStarReverse(): boolean {
    const { cost, N, ra: a, rb: b, pi: i, pj: j, la, lb, nu: u, nx: x, nv: v, ny: y } = this;
    if (a === b || j === 0) return false;
    const oa = a * this.W;
    const ob = b * this.W;
    const F = this.fwd;
    const B = this.rev;
    const L = this.load;
    const costA = F[oa + i] + cost[u * N + v] + B[ob + j];
    const costB = B[oa + la + 1] - B[oa + i + 1] + cost[x * N + y] + F[ob + lb + 1] - F[ob + j + 1];
    const nA = i + j;
    const nB = la - i + lb - j;
    const { cap, fixed } = this.d;
    const p = this.penalty;
    let delta = costA + costB - F[oa + la + 1] - F[ob + lb + 1];
    delta += fixDelta(la, nA, fixed) + fixDelta(lb, nB, fixed);
    delta += over(L[oa + i] + L[ob + j], cap, p) + over(L[oa + la] - L[oa + i] + L[ob + lb] - L[ob + j], cap, p) - this.penA - this.penB;
    if (delta > -EPS) return false;
    const S = this.seq;
    const t = this.buf;
    const t2 = this.buf2;
    let w = 0;
    for (let k = 1; k <= i; k++) t[w++] = S[oa + k];
    for (let k = j; k >= 1; k--) t[w++] = S[ob + k];
    let w2 = 0;
    for (let k = la; k > i; k--) t2[w2++] = S[oa + k];
    for (let k = j + 1; k <= lb; k++) t2[w2++] = S[ob + k];
    this.moves++;
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
    return true;
  }

  /** Moves `cnt` jobs from position i of route a to after position j of route b (reversed if asked). */
  private applyMove(a: number, b: number, i: number, cnt: number, j: number, reversed: boolean): void {
    const S = this.seq;
    const oa = a * this.W;
    const s0 = cnt === 1 || !reversed ? S[oa + i] : S[oa + i + 1];
    const s1 = cnt === 1 ? -1 : reversed ? S[oa + i] : S[oa + i + 1];
    this.moves++;
    const t = this.buf;
    if (a === b) {
      const n = this.len[a];
      let w = 0;
      if (j === 0) {
        t[w++] = s0;
        if (cnt === 2) t[w++] = s1;
      }
      for (let k = 1; k <= n; k++) {
        if (k >= i && k < i + cnt) continue;
        t[w++] = S[oa + k];
        if (k === j) {
          t[w++] = s0;
          if (cnt === 2) t[w++] = s1;
        }
      }
      this.setRoute(a, t, n);
      return;
    }
    const ob = b * this.W;
    const na = this.len[a];
    const nb = this.len[b];
    let w = 0;
    for (let k = 1; k <= na; k++) if (k < i || k >= i + cnt) t[w++] = S[oa + k];
    const t2 = this.buf2;
    let w2 = 0;
    if (j === 0) {
      t2[w2++] = s0;
      if (cnt === 2) t2[w2++] = s1;
    }
    for (let k = 1; k <= nb; k++) {
      t2[w2++] = S[ob + k];
      if (k === j) {
        t2[w2++] = s0;
        if (cnt === 2) t2[w2++] = s1;
      }
    }
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
  }

  /** Exchanges cu jobs at position i of route a with cv jobs at position j of route b (same or other route). */
  private applySwap(a: number, b: number, i: number, cu: number, j: number, cv: number): void {
    this.moves++;
    const S = this.seq;
    const oa = a * this.W;
    const t = this.buf;
    if (a === b) {
      const n = this.len[a];
      // Non-overlapping blocks [i, i+cu) and [j, j+cv): rebuild with them exchanged.
      const p = i < j ? i : j;
      const pc = i < j ? cu : cv;
      const q = i < j ? j : i;
      const qc = i < j ? cv : cu;
      let w = 0;
      for (let k = 1; k < p; k++) t[w++] = S[oa + k];
      for (let k = q; k < q + qc; k++) t[w++] = S[oa + k];
      for (let k = p + pc; k < q; k++) t[w++] = S[oa + k];
      for (let k = p; k < p + pc; k++) t[w++] = S[oa + k];
      for (let k = q + qc; k <= n; k++) t[w++] = S[oa + k];
      this.setRoute(a, t, n);
      return;
    }
    const ob = b * this.W;
    const t2 = this.buf2;
    let w = 0;
    for (let k = 1; k < i; k++) t[w++] = S[oa + k];
    for (let k = j; k < j + cv; k++) t[w++] = S[ob + k];
    for (let k = i + cu; k <= this.len[a]; k++) t[w++] = S[oa + k];
    let w2 = 0;
    for (let k = 1; k < j; k++) t2[w2++] = S[ob + k];
    for (let k = i; k < i + cu; k++) t2[w2++] = S[oa + k];
    for (let k = j + cv; k <= this.len[b]; k++) t2[w2++] = S[ob + k];
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
  }

  /**
   * Packs the loads back under the capacity without opening a route: repeatedly the move that
   * removes the most load over the capacity (ties: the least added distance) among relocating a
   * job of an overloaded route to its cheapest position in any other non-empty route, and swapping
   * it in place with any job of another route, over every job, not only the correlated ones (the
   * granular moves see only neighbours, too few when two large jobs must change routes across the
   * map). O(J²) per move; stops when every route fits or no move removes any load over it. For the
   * route-count-minimising education (penalised-hgs.ts). Returns whether every route fits.
   */
  packLoads(maxMoves = 4 * this.R): boolean {
    const { cost, N, seq: S, W } = this;
    const { cap, demand } = this.d;
    const ex = (l: number): number => (l > cap ? l - cap : 0);
    for (let step = 0; step < maxMoves; step++) {
      let bestGain = 0;
      let bestDist = Number.POSITIVE_INFINITY;
      let kind = 0;
      let mu = -1;
      let mv = -1;
      let mb = -1;
      let mk = -1;
      let any = false;
      for (let a = 0; a < this.R; a++) {
        const la = this.len[a];
        if (la === 0) continue;
        const oa = a * W;
        const loadA = this.load[oa + la];
        if (loadA <= cap) continue;
        any = true;
        for (let i = 1; i <= la; i++) {
          const u = S[oa + i];
          const pu = S[oa + i - 1];
          const xu = S[oa + i + 1];
          const du = demand[u];
          const remove = cost[pu * N + xu] - cost[pu * N + u] - cost[u * N + xu];
          for (let b = 0; b < this.R; b++) {
            const lb = this.len[b];
            if (b === a || lb === 0) continue;
            const ob = b * W;
            const loadB = this.load[ob + lb];
            // Relocate u into b.
            const gainR = ex(loadA) - ex(loadA - du) + ex(loadB) - ex(loadB + du);
            if (gainR > 1e-9 && gainR >= bestGain - 1e-9) {
              let ins = Number.POSITIVE_INFINITY;
              let at = -1;
              for (let k = 0; k <= lb; k++) {
                const p = S[ob + k];
                const q = S[ob + k + 1];
                const c = cost[p * N + u] + cost[u * N + q] - cost[p * N + q];
                if (c < ins) {
                  ins = c;
                  at = k;
                }
              }
              const dist = remove + ins;
              if (gainR > bestGain + 1e-9 || dist < bestDist) {
                bestGain = Math.max(bestGain, gainR);
                bestDist = dist;
                kind = 1;
                mu = u;
                mb = b;
                mk = at;
              }
            }
            // Swap u with each v of b, in place.
            for (let j = 1; j <= lb; j++) {
              const v = S[ob + j];
              const dv = demand[v];
              if (dv >= du) continue;
              const gainS = ex(loadA) - ex(loadA - du + dv) + ex(loadB) - ex(loadB - dv + du);
              if (gainS <= 1e-9 || gainS < bestGain - 1e-9) continue;
              const pv = S[ob + j - 1];
              const xv = S[ob + j + 1];
              const dist = swapDelta(cost, N, pu, u, u, xu, pv, v, v, xv);
              if (gainS > bestGain + 1e-9 || dist < bestDist) {
                bestGain = Math.max(bestGain, gainS);
                bestDist = dist;
                kind = 2;
                mu = u;
                mv = v;
              }
            }
          }
        }
      }
      if (!any) return true;
      if (kind === 0) return false;
      this.moves++;
      const a = this.routeOf[mu];
      const i = this.pos[mu];
      const oa = a * W;
      const la = this.len[a];
      const t = this.buf;
      const t2 = this.buf2;
      if (kind === 1) {
        const ob = mb * W;
        let w = 0;
        for (let k = 1; k <= la; k++) if (k !== i) t[w++] = S[oa + k];
        let w2 = 0;
        for (let k = 1; k <= this.len[mb]; k++) {
          t2[w2++] = S[ob + k];
          if (k === mk) t2[w2++] = mu;
        }
        if (mk === 0) {
          for (let k = w2; k > 0; k--) t2[k] = t2[k - 1];
          t2[0] = mu;
          w2++;
        }
        this.setRoute(a, t, w);
        this.setRoute(mb, t2, w2);
      } else {
        const b = this.routeOf[mv];
        const j = this.pos[mv];
        const ob = b * W;
        for (let k = 1; k <= la; k++) t[k - 1] = k === i ? mv : S[oa + k];
        for (let k = 1; k <= this.len[b]; k++) t2[k - 1] = k === j ? mu : S[ob + k];
        this.setRoute(a, t, la);
        this.setRoute(b, t2, this.len[b]);
      }
    }
    return this.excess() < 1e-9;
  }
}
