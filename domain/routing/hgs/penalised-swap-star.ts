import { sectorsOverlap, type PenalisedSearch } from './penalised-search.js';

/**
 * SWAP* under penalised capacity (Vidal 2022, "Hybrid genetic search for the CVRP: Open-source
 * implementation and SWAP* neighborhood", Computers & Operations Research 140:105643, section 4):
 * u of route A and v of route B change routes, each inserted at its cheapest place in the other
 * route rather than in the other's place. The three cheapest insertions of every job of A into B
 * (and of B into A) are computed once per route pair, so each (u, v) is priced in O(1): the best
 * place of u in B without v is the cheapest of those three not next to v, or v's own place. As in
 * HGS-CVRP the pair is priced fully only when the penalty changes and the removal gains alone
 * could pay, and the best single relocation of u into B (v into A) found on the way counts too.
 *
 * Route pairs: with coordinates, as in HGS-CVRP, the pairs whose polar sectors around the depot
 * overlap (Vidal 2022, section 4: the sector of a route is the smallest circle sector holding its
 * jobs). With a matrix only, the pairs where a job has a correlated job in the other route.
 *
 * As in HGS-CVRP, the three cheapest insertions of a job into a route are kept per (route, job)
 * with the stamp of their computation and recomputed only when the route changed since.
 */

const EPS = 1e-7;

/** Top-3 insertions of every job into one route slot, with the move stamp of their computation. */
interface Top3 {
  cost: Float64Array; // [job * 3 + t]
  after: Int32Array; // insert after this position of the route
  when: Int32Array; // [job]: ls.moves when computed, -1 never
}

/** Per-search state: the top-3 cache of each route slot, scratch buffers. */
export class SwapStarState {
  readonly top: (Top3 | undefined)[];
  readonly mark: Int32Array;
  markStamp = 0;
  readonly list: Int32Array;
  readonly bufA: Int32Array;
  readonly bufB: Int32Array;
  /** Scratch per route position: arc costs, removal gains, demands. */
  readonly arcs: Float64Array;
  readonly remV: Float64Array;
  readonly dem: Float64Array;
  /** Insertion position found by bestWithout. */
  k = 0;

  constructor(routes: number, jobs: number) {
    this.top = new Array(routes);
    this.mark = new Int32Array(routes);
    this.list = new Int32Array(routes);
    this.bufA = new Int32Array(jobs + 2);
    this.bufB = new Int32Array(jobs + 2);
    this.arcs = new Float64Array(jobs + 2);
    this.remV = new Float64Array(jobs + 2);
    this.dem = new Float64Array(jobs + 2);
  }

  topOf(r: number, jobs: number): Top3 {
    let t = this.top[r];
    if (!t) {
      t = { cost: new Float64Array(jobs * 3), after: new Int32Array(jobs * 3), when: new Int32Array(jobs).fill(-1) };
      this.top[r] = t;
    }
    return t;
  }
}

/** Brings the top-3 insertions of route `from`'s jobs into route `into` up to date. */
function top3(ls: PenalisedSearch, st: SwapStarState, from: number, into: number, out: Top3): void {
  const { cost, N } = ls.d;
  const S = ls.seq;
  const oF = from * ls.W;
  const oI = into * ls.W;
  const lf = ls.len[from];
  const li = ls.len[into];
  const fresh = ls.modified[into];
  const arcs = st.arcs;
  for (let k = 0; k <= li; k++) arcs[k] = cost[S[oI + k] * N + S[oI + k + 1]];
  for (let p = 1; p <= lf; p++) {
    const u = S[oF + p];
    if (out.when[u] >= fresh) continue;
    out.when[u] = ls.moves;
    let c0 = Infinity;
    let c1 = Infinity;
    let c2 = Infinity;
    let k0 = -1;
    let k1 = -1;
    let k2 = -1;
    for (let k = 0; k <= li; k++) {
      const d = cost[S[oI + k] * N + u] + cost[u * N + S[oI + k + 1]] - arcs[k];
      if (d < c2) {
        if (d < c1) {
          c2 = c1;
          k2 = k1;
          if (d < c0) {
            c1 = c0;
            k1 = k0;
            c0 = d;
            k0 = k;
          } else {
            c1 = d;
            k1 = k;
          }
        } else {
          c2 = d;
          k2 = k;
        }
      }
    }
    out.cost[u * 3] = c0;
    out.cost[u * 3 + 1] = c1;
    out.cost[u * 3 + 2] = c2;
    out.after[u * 3] = k0;
    out.after[u * 3 + 1] = k1;
    out.after[u * 3 + 2] = k2;
  }
}

/** Cheapest insertion of job u (its row of t) into route r without its job at position q; the position goes to st.k. */
function bestWithout(ls: PenalisedSearch, st: SwapStarState, r: number, t: Top3, u: number, q: number): number {
  const { cost, N } = ls.d;
  const S = ls.seq;
  const o = r * ls.W;
  const x = S[o + q - 1];
  const y = S[o + q + 1];
  let best = cost[x * N + u] + cost[u * N + y] - cost[x * N + y];
  st.k = q - 1;
  for (let s = 0; s < 3; s++) {
    const k = t.after[u * 3 + s];
    if (k < 0) break;
    if (k === q - 1 || k === q) continue;
    if (t.cost[u * 3 + s] < best) {
      best = t.cost[u * 3 + s];
      st.k = k;
    }
    break;
  }
  return best;
}

/** Route r's jobs with `out` removed and `inn` inserted after position k (of the original route; -1: none). */
function rebuild(ls: PenalisedSearch, r: number, out: number, inn: number, k: number, buf: Int32Array): number {
  const S = ls.seq;
  const o = r * ls.W;
  const n = ls.len[r];
  let w = 0;
  if (k === 0 && inn >= 0) buf[w++] = inn;
  for (let p = 1; p <= n; p++) {
    if (S[o + p] !== out) buf[w++] = S[o + p];
    if (p === k && inn >= 0) buf[w++] = inn;
  }
  return w;
}

function pair(ls: PenalisedSearch, st: SwapStarState, a: number, b: number): boolean {
  const { cost, N, demand, J } = ls.d;
  const tA = st.topOf(b, J); // jobs of A into B
  const tB = st.topOf(a, J); // jobs of B into A
  top3(ls, st, a, b, tA);
  top3(ls, st, b, a, tB);
  const S = ls.seq;
  const oa = a * ls.W;
  const ob = b * ls.W;
  const la = ls.len[a];
  const lb = ls.len[b];
  const loadA = ls.routeLoad(a);
  const loadB = ls.routeLoad(b);
  const penA = ls.pen(loadA);
  const penB = ls.pen(loadB);
  let best = -EPS;
  let bu = -1;
  let bv = -1;
  let kU = -1;
  let kV = -1;
  const remVs = st.remV;
  const dems = st.dem;
  for (let j = 1; j <= lb; j++) {
    const v = S[ob + j];
    remVs[j] = cost[S[ob + j - 1] * N + S[ob + j + 1]] - cost[S[ob + j - 1] * N + v] - cost[v * N + S[ob + j + 1]];
    dems[j] = demand[v];
  }
  for (let i = 1; i <= la; i++) {
    const u = S[oa + i];
    const remU = cost[S[oa + i - 1] * N + S[oa + i + 1]] - cost[S[oa + i - 1] * N + u] - cost[u * N + S[oa + i + 1]];
    const du = demand[u];
    // Relocation of u alone into B (part of HGS-CVRP's SWAP* evaluation).
    const relU = remU + tA.cost[u * 3] + ls.pen(loadA - du) - penA + ls.pen(loadB + du) - penB;
    if (relU < best && la > 1) {
      best = relU;
      bu = u;
      bv = -1;
      kU = tA.after[u * 3];
    }
    for (let j = 1; j <= lb; j++) {
      const dv = dems[j];
      const dPen = ls.pen(loadA - du + dv) - penA + ls.pen(loadB - dv + du) - penB;
      const remV = remVs[j];
      if (dPen + remU + remV >= best) continue;
      const v = S[ob + j];
      const insU = bestWithout(ls, st, b, tA, u, j);
      const ku = st.k;
      const insV = bestWithout(ls, st, a, tB, v, i);
      const delta = dPen + remU + remV + insU + insV;
      if (delta < best) {
        best = delta;
        bu = u;
        bv = v;
        kU = ku;
        kV = st.k;
      }
    }
  }
  for (let j = 1; j <= lb; j++) {
    const v = S[ob + j];
    const remV = remVs[j];
    const dv = dems[j];
    const relV = remV + tB.cost[v * 3] + ls.pen(loadB - dv) - penB + ls.pen(loadA + dv) - penA;
    if (relV < best && lb > 1) {
      best = relV;
      bu = -1;
      bv = v;
      kV = tB.after[v * 3];
    }
  }
  if (bu < 0 && bv < 0) return false;
  const na = rebuild(ls, a, bu, bv, kV, st.bufA);
  const nb = rebuild(ls, b, bv, bu, kU, st.bufB);
  ls.moves++;
  ls.setRoute(a, st.bufA, na);
  ls.setRoute(b, st.bufB, nb);
  return true;
}

/** One pass of SWAP* over neighbouring route pairs, in `order`; true when something improved. */
export function swapStarRoutes(ls: PenalisedSearch, st: SwapStarState, order: Int32Array): boolean {
  const R = ls.R;
  const S = ls.seq;
  const mark = st.mark;
  const list = st.list;
  let improved = false;
  for (let oi = 0; oi < R; oi++) {
    const a = order[oi];
    if (ls.len[a] === 0) continue;
    const last = ls.swapTested[a];
    ls.swapTested[a] = ls.moves;
    // Nothing moved since route a was last tested: no pair of it can qualify.
    if (ls.moves <= last) continue;
    if (ls.angle) {
      for (let b = a + 1; b < R; b++) {
        if (ls.len[a] === 0 || ls.len[b] === 0) continue;
        if (Math.max(ls.modified[a], ls.modified[b]) <= last) continue;
        if (!sectorsOverlap(ls.secStart[a], ls.secEnd[a], ls.secStart[b], ls.secEnd[b])) continue;
        if (pair(ls, st, a, b)) improved = true;
      }
      continue;
    }
    st.markStamp++;
    let n = 0;
    const oa = a * ls.W;
    for (let p = 1; p <= ls.len[a]; p++) {
      const near = ls.d.near[S[oa + p]];
      for (let k = 0; k < near.length; k++) {
        const b = ls.routeOf[near[k]];
        if (b !== a && mark[b] !== st.markStamp) {
          mark[b] = st.markStamp;
          list[n++] = b;
        }
      }
    }
    for (let t = 0; t < n; t++) {
      const b = list[t];
      if (ls.len[a] === 0 || ls.len[b] === 0) continue;
      if (b < a || Math.max(ls.modified[a], ls.modified[b]) <= last) continue;
      if (pair(ls, st, a, b)) improved = true;
    }
  }
  return improved;
}
