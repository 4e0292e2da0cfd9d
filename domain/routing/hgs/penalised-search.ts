import type { Rng } from '../prng.js';
import { swapStarRoutes } from './penalised-swap-star.js';

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
}

const EPS = 1e-7;

export class PenalisedSearch {
  penalty = 1;
  readonly R: number;
  readonly seq: Int32Array[];
  readonly len: Int32Array;
  /** load[r][k]: load of positions 1..k. fwd[r][k]: arcs 0→…→k. rev[r][k]: arcs k→…→0. */
  readonly load: Float64Array[];
  readonly fwd: Float64Array[];
  readonly rev: Float64Array[];
  readonly routeOf: Int32Array;
  readonly pos: Int32Array;
  readonly modified: Int32Array;
  readonly swapTested: Int32Array;
  moves = 1;
  private readonly tested: Int32Array;
  private readonly order: Int32Array;
  private readonly buf: Int32Array;
  private readonly buf2: Int32Array;

  constructor(
    readonly d: CvrpData,
    routes: number,
  ) {
    const J = d.J;
    this.R = routes;
    this.seq = Array.from({ length: routes }, () => new Int32Array(J + 2));
    this.len = new Int32Array(routes);
    this.load = Array.from({ length: routes }, () => new Float64Array(J + 2));
    this.fwd = Array.from({ length: routes }, () => new Float64Array(J + 2));
    this.rev = Array.from({ length: routes }, () => new Float64Array(J + 2));
    this.routeOf = new Int32Array(J);
    this.pos = new Int32Array(J);
    this.modified = new Int32Array(routes);
    this.swapTested = new Int32Array(routes);
    this.tested = new Int32Array(J);
    this.order = new Int32Array(J);
    this.buf = new Int32Array(J + 2);
    this.buf2 = new Int32Array(J + 2);
  }

  /** Loads routes (at most R of them); the other route slots are empty. */
  load_(routes: number[][]): void {
    for (let r = 0; r < this.R; r++) {
      const src = r < routes.length ? routes[r] : [];
      for (let k = 0; k < src.length; k++) this.buf[k] = src[k];
      this.setRoute(r, this.buf, src.length);
    }
  }

  /** Writes route r as nodes[0..n-1] between two depots and refreshes its prefix sums. */
  setRoute(r: number, nodes: Int32Array | number[], n: number): void {
    const { cost, N, depot, demand } = this.d;
    const s = this.seq[r];
    const L = this.load[r];
    const F = this.fwd[r];
    const B = this.rev[r];
    s[0] = depot;
    for (let k = 0; k < n; k++) s[k + 1] = nodes[k];
    s[n + 1] = depot;
    L[0] = 0;
    F[0] = 0;
    B[0] = 0;
    for (let k = 1; k <= n + 1; k++) {
      const a = s[k - 1];
      const b = s[k];
      L[k] = L[k - 1] + (k <= n ? demand[b] : 0);
      F[k] = F[k - 1] + cost[a * N + b];
      B[k] = B[k - 1] + cost[b * N + a];
      if (k <= n) {
        this.routeOf[b] = r;
        this.pos[b] = k;
      }
    }
    this.len[r] = n;
    this.modified[r] = this.moves;
  }

  routes(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.R; r++) if (this.len[r] > 0) out.push(Array.from(this.seq[r].subarray(1, this.len[r] + 1)));
    return out;
  }

  /** Arc and fixed costs of the routes. */
  distance(): number {
    let c = 0;
    for (let r = 0; r < this.R; r++) if (this.len[r] > 0) c += this.fwd[r][this.len[r] + 1] + this.d.fixed;
    return c;
  }

  /** Total load over the capacity. */
  excess(): number {
    let e = 0;
    for (let r = 0; r < this.R; r++) e += Math.max(0, this.load[r][this.len[r]] - this.d.cap);
    return e;
  }

  pen(l: number): number {
    return l > this.d.cap ? (l - this.d.cap) * this.penalty : 0;
  }

  /** Fixed cost change when route r goes from `before` to `after` jobs. */
  private fix(before: number, after: number): number {
    return before === 0 ? (after === 0 ? 0 : this.d.fixed) : after === 0 ? -this.d.fixed : 0;
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
    const rOrder = new Int32Array(this.R);
    for (let r = 0; r < this.R; r++) rOrder[r] = r;
    rng.shuffle(rOrder);
    this.tested.fill(0);
    this.swapTested.fill(0);
    this.moves++;
    this.modified.fill(this.moves);
    for (let loop = 0; ; loop++) {
      let improved = false;
      for (let oi = 0; oi < J; oi++) {
        const u = order[oi];
        const last = this.tested[u];
        this.tested[u] = this.moves;
        const near = this.d.near[u];
        for (let k = 0; k < near.length; k++) {
          const v = near[k];
          if (loop > 0 && Math.max(this.modified[this.routeOf[u]], this.modified[this.routeOf[v]]) <= last) continue;
          if (this.tryPair(u, v)) improved = true;
        }
        if (loop > 0) {
          // Moves into an empty route (HGS-CVRP tries them with the depot of one empty route as v).
          for (let r = 0; r < this.R; r++) {
            if (this.len[r] !== 0) continue;
            if (this.modified[this.routeOf[u]] > last || this.modified[r] > last) {
              if (this.relocate(u, r, 0) || this.relocatePair(u, r, 0, false) || this.relocatePair(u, r, 0, true)) improved = true;
              else if (this.twoOptStarTail(u, r, 0)) improved = true;
            }
            break;
          }
        }
      }
      if (swapStarRoutes(this, rOrder)) improved = true;
      if (!improved) break;
    }
  }

  private tryPair(u: number, v: number): boolean {
    const a = this.routeOf[u];
    const b = this.routeOf[v];
    const j = this.pos[v];
    if (this.relocate(u, b, j)) return true;
    if (this.relocatePair(u, b, j, false)) return true;
    if (this.relocatePair(u, b, j, true)) return true;
    if (this.swap11(u, v)) return true;
    if (this.swap21(u, v)) return true;
    if (this.swap22(u, v)) return true;
    if (a === b) {
      if (this.twoOptIntra(u, v)) return true;
    } else {
      if (this.twoOptStarTail(u, b, j)) return true;
      if (this.twoOptStarReverse(u, b, j)) return true;
    }
    // v first in its route: the same moves at the route's start (v = depot), as HGS-CVRP does.
    if (j === 1) {
      const b2 = this.routeOf[v];
      if (this.relocate(u, b2, 0) || this.relocatePair(u, b2, 0, false) || this.relocatePair(u, b2, 0, true)) return true;
      if (this.routeOf[u] !== b2 && this.twoOptStarTail(u, b2, 0)) return true;
    }
    return false;
  }

  private c(a: number, b: number): number {
    return this.d.cost[a * this.d.N + b];
  }

  /** Relocates u after position j of route b (j = 0: after the depot). */
  private relocate(u: number, b: number, j: number): boolean {
    const a = this.routeOf[u];
    const i = this.pos[u];
    const A = this.seq[a];
    const B = this.seq[b];
    const pu = A[i - 1];
    const x = A[i + 1];
    const v = B[j];
    const y = B[j + 1];
    if (a === b && (j === i - 1 || j === i)) return false;
    let delta = this.c(pu, x) - this.c(pu, u) - this.c(u, x) + this.c(v, u) + this.c(u, y) - this.c(v, y);
    if (a !== b) {
      const du = this.d.demand[u];
      const la = this.load[a][this.len[a]];
      const lb = this.load[b][this.len[b]];
      delta += this.pen(la - du) - this.pen(la) + this.pen(lb + du) - this.pen(lb);
      delta += this.fix(this.len[a], this.len[a] - 1) + this.fix(this.len[b], this.len[b] + 1);
    }
    if (delta > -EPS) return false;
    this.applyMove(a, b, i, 1, j, 0, false);
    return true;
  }

  /** Relocates (u, x) after position j of route b, reversed as (x, u) when `reversed`. */
  private relocatePair(u: number, b: number, j: number, reversed: boolean): boolean {
    const a = this.routeOf[u];
    const i = this.pos[u];
    if (i >= this.len[a]) return false;
    if (a === b && j >= i - 1 && j <= i + 1) return false;
    const A = this.seq[a];
    const B = this.seq[b];
    const pu = A[i - 1];
    const x = A[i + 1];
    const xx = A[i + 2];
    const v = B[j];
    const y = B[j + 1];
    let delta = this.c(pu, xx) - this.c(pu, u) - this.c(x, xx) - this.c(v, y);
    delta += reversed ? this.c(v, x) + this.c(x, u) + this.c(u, y) - this.c(u, x) : this.c(v, u) + this.c(x, y);
    if (a !== b) {
      const dd = this.d.demand[u] + this.d.demand[x];
      const la = this.load[a][this.len[a]];
      const lb = this.load[b][this.len[b]];
      delta += this.pen(la - dd) - this.pen(la) + this.pen(lb + dd) - this.pen(lb);
      delta += this.fix(this.len[a], this.len[a] - 2) + this.fix(this.len[b], this.len[b] + 2);
    }
    if (delta > -EPS) return false;
    this.applyMove(a, b, i, 2, j, 0, reversed);
    return true;
  }

  private swap11(u: number, v: number): boolean {
    const a = this.routeOf[u];
    const b = this.routeOf[v];
    const i = this.pos[u];
    const j = this.pos[v];
    if (a === b && Math.abs(i - j) <= 1) return false;
    const A = this.seq[a];
    const B = this.seq[b];
    const pu = A[i - 1];
    const x = A[i + 1];
    const pv = B[j - 1];
    const y = B[j + 1];
    let delta = this.c(pu, v) + this.c(v, x) - this.c(pu, u) - this.c(u, x) + this.c(pv, u) + this.c(u, y) - this.c(pv, v) - this.c(v, y);
    if (a !== b) delta += this.swapPen(a, b, this.d.demand[u], this.d.demand[v]);
    if (delta > -EPS) return false;
    this.applySwap(a, b, i, 1, j, 1);
    return true;
  }

  private swap21(u: number, v: number): boolean {
    const a = this.routeOf[u];
    const b = this.routeOf[v];
    const i = this.pos[u];
    const j = this.pos[v];
    if (i >= this.len[a]) return false;
    if (a === b && j >= i - 1 && j <= i + 2) return false;
    const A = this.seq[a];
    const B = this.seq[b];
    const pu = A[i - 1];
    const x = A[i + 1];
    const xx = A[i + 2];
    const pv = B[j - 1];
    const y = B[j + 1];
    let delta = this.c(pu, v) + this.c(v, xx) - this.c(pu, u) - this.c(x, xx) + this.c(pv, u) + this.c(x, y) - this.c(pv, v) - this.c(v, y);
    if (a !== b) delta += this.swapPen(a, b, this.d.demand[u] + this.d.demand[x], this.d.demand[v]);
    if (delta > -EPS) return false;
    this.applySwap(a, b, i, 2, j, 1);
    return true;
  }

  private swap22(u: number, v: number): boolean {
    const a = this.routeOf[u];
    const b = this.routeOf[v];
    const i = this.pos[u];
    const j = this.pos[v];
    if (i >= this.len[a] || j >= this.len[b]) return false;
    if (a === b && j >= i - 2 && j <= i + 2) return false;
    const A = this.seq[a];
    const B = this.seq[b];
    const pu = A[i - 1];
    const x = A[i + 1];
    const xx = A[i + 2];
    const pv = B[j - 1];
    const y = B[j + 1];
    const yy = B[j + 2];
    let delta =
      this.c(pu, v) + this.c(y, xx) - this.c(pu, u) - this.c(x, xx) + this.c(pv, u) + this.c(x, yy) - this.c(pv, v) - this.c(y, yy);
    if (a !== b) delta += this.swapPen(a, b, this.d.demand[u] + this.d.demand[x], this.d.demand[v] + this.d.demand[y]);
    if (delta > -EPS) return false;
    this.applySwap(a, b, i, 2, j, 2);
    return true;
  }

  private swapPen(a: number, b: number, out: number, inn: number): number {
    const la = this.load[a][this.len[a]];
    const lb = this.load[b][this.len[b]];
    return this.pen(la - out + inn) - this.pen(la) + this.pen(lb - inn + out) - this.pen(lb);
  }

  /** Reverses the segment x..v of a route so that u→v and x→y become arcs (u before v). */
  private twoOptIntra(u: number, v: number): boolean {
    const r = this.routeOf[u];
    const i = this.pos[u];
    const j = this.pos[v];
    if (j <= i + 1) return false;
    const S = this.seq[r];
    const x = S[i + 1];
    const y = S[j + 1];
    const F = this.fwd[r];
    const B = this.rev[r];
    const delta = this.c(u, v) + this.c(x, y) - this.c(u, x) - this.c(v, y) + (B[j] - B[i + 1]) - (F[j] - F[i + 1]);
    if (delta > -EPS) return false;
    const n = this.len[r];
    const t = this.buf;
    let w = 0;
    for (let k = 1; k <= i; k++) t[w++] = S[k];
    for (let k = j; k > i; k--) t[w++] = S[k];
    for (let k = j + 1; k <= n; k++) t[w++] = S[k];
    this.moves++;
    this.setRoute(r, t, n);
    return true;
  }

  /** 2-opt*: A' = A[..u] + B[j+1..], B' = B[..j] + A[succ u..] (arcs u→y and v→x). */
  private twoOptStarTail(u: number, b: number, j: number): boolean {
    const a = this.routeOf[u];
    if (a === b) return false;
    const i = this.pos[u];
    const A = this.seq[a];
    const B = this.seq[b];
    const la = this.len[a];
    const lb = this.len[b];
    const FA = this.fwd[a];
    const FB = this.fwd[b];
    const LA = this.load[a];
    const LB = this.load[b];
    const costA = FA[i] + this.c(u, B[j + 1]) + FB[lb + 1] - FB[j + 1];
    const costB = FB[j] + this.c(B[j], A[i + 1]) + FA[la + 1] - FA[i + 1];
    const nA = i + (lb - j);
    const nB = j + (la - i);
    let delta = costA + costB - FA[la + 1] - FB[lb + 1];
    delta += this.fix(la, nA) + this.fix(lb, nB);
    delta += this.pen(LA[i] + LB[lb] - LB[j]) + this.pen(LB[j] + LA[la] - LA[i]) - this.pen(LA[la]) - this.pen(LB[lb]);
    if (delta > -EPS) return false;
    const t = this.buf;
    const t2 = this.buf2;
    let w = 0;
    for (let k = 1; k <= i; k++) t[w++] = A[k];
    for (let k = j + 1; k <= lb; k++) t[w++] = B[k];
    let w2 = 0;
    for (let k = 1; k <= j; k++) t2[w2++] = B[k];
    for (let k = i + 1; k <= la; k++) t2[w2++] = A[k];
    this.moves++;
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
    return true;
  }

  /** 2-opt* reversed: A' = A[..u] + reverse(B[..v]), B' = reverse(A[succ u..]) + B[succ v..] (arcs u→v and x→y). */
  private twoOptStarReverse(u: number, b: number, j: number): boolean {
    const a = this.routeOf[u];
    if (a === b || j === 0) return false;
    const i = this.pos[u];
    const A = this.seq[a];
    const B = this.seq[b];
    const la = this.len[a];
    const lb = this.len[b];
    const v = B[j];
    const x = A[i + 1];
    const y = B[j + 1];
    const costA = this.fwd[a][i] + this.c(u, v) + this.rev[b][j];
    const costB = this.rev[a][la + 1] - this.rev[a][i + 1] + this.c(x, y) + this.fwd[b][lb + 1] - this.fwd[b][j + 1];
    const nA = i + j;
    const nB = la - i + lb - j;
    let delta = costA + costB - this.fwd[a][la + 1] - this.fwd[b][lb + 1];
    delta += this.fix(la, nA) + this.fix(lb, nB);
    const LA = this.load[a];
    const LB = this.load[b];
    delta += this.pen(LA[i] + LB[j]) + this.pen(LA[la] - LA[i] + LB[lb] - LB[j]) - this.pen(LA[la]) - this.pen(LB[lb]);
    if (delta > -EPS) return false;
    const t = this.buf;
    const t2 = this.buf2;
    let w = 0;
    for (let k = 1; k <= i; k++) t[w++] = A[k];
    for (let k = j; k >= 1; k--) t[w++] = B[k];
    let w2 = 0;
    for (let k = la; k > i; k--) t2[w2++] = A[k];
    for (let k = j + 1; k <= lb; k++) t2[w2++] = B[k];
    this.moves++;
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
    return true;
  }

  /** Moves `cnt` jobs from position i of route a to after position j of route b (reversed if asked). */
  private applyMove(a: number, b: number, i: number, cnt: number, j: number, _unused: number, reversed: boolean): void {
    const A = this.seq[a];
    const moved0 = A[i];
    const moved1 = cnt === 2 ? A[i + 1] : -1;
    const seg = cnt === 1 ? [moved0] : reversed ? [moved1, moved0] : [moved0, moved1];
    this.moves++;
    if (a === b) {
      const S = this.seq[a];
      const n = this.len[a];
      const t = this.buf;
      let w = 0;
      if (j === 0) for (const s of seg) t[w++] = s;
      for (let k = 1; k <= n; k++) {
        if (k >= i && k < i + cnt) continue;
        t[w++] = S[k];
        if (k === j) for (const s of seg) t[w++] = s;
      }
      this.setRoute(a, t, n);
      return;
    }
    const B = this.seq[b];
    const na = this.len[a];
    const nb = this.len[b];
    const t = this.buf;
    let w = 0;
    for (let k = 1; k <= na; k++) if (k < i || k >= i + cnt) t[w++] = A[k];
    const t2 = this.buf2;
    let w2 = 0;
    if (j === 0) for (const s of seg) t2[w2++] = s;
    for (let k = 1; k <= nb; k++) {
      t2[w2++] = B[k];
      if (k === j) for (const s of seg) t2[w2++] = s;
    }
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
  }

  /** Exchanges cu jobs at position i of route a with cv jobs at position j of route b (same or other route). */
  private applySwap(a: number, b: number, i: number, cu: number, j: number, cv: number): void {
    this.moves++;
    if (a === b) {
      const S = this.seq[a];
      const n = this.len[a];
      const t = this.buf;
      // Non-overlapping blocks [i, i+cu) and [j, j+cv): rebuild with them exchanged.
      const [p, pc, q, qc] = i < j ? [i, cu, j, cv] : [j, cv, i, cu];
      let w = 0;
      for (let k = 1; k < p; k++) t[w++] = S[k];
      for (let k = q; k < q + qc; k++) t[w++] = S[k];
      for (let k = p + pc; k < q; k++) t[w++] = S[k];
      for (let k = p; k < p + pc; k++) t[w++] = S[k];
      for (let k = q + qc; k <= n; k++) t[w++] = S[k];
      this.setRoute(a, t, n);
      return;
    }
    const A = this.seq[a];
    const B = this.seq[b];
    const t = this.buf;
    const t2 = this.buf2;
    let w = 0;
    for (let k = 1; k < i; k++) t[w++] = A[k];
    for (let k = j; k < j + cv; k++) t[w++] = B[k];
    for (let k = i + cu; k <= this.len[a]; k++) t[w++] = A[k];
    let w2 = 0;
    for (let k = 1; k < j; k++) t2[w2++] = B[k];
    for (let k = i; k < i + cu; k++) t2[w2++] = A[k];
    for (let k = j + cv; k <= this.len[b]; k++) t2[w2++] = B[k];
    this.setRoute(a, t, w);
    this.setRoute(b, t2, w2);
  }
}
