import type { PenalisedSearch } from './penalised-search.js';

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
 * Route pairs are restricted, as HGS restricts them to overlapping polar sectors (the model has a
 * matrix, not coordinates), to pairs where a job has a correlated job in the other route.
 */

const EPS = 1e-7;

interface Top3 {
  cost: Float64Array; // [position in the route of the job * 3 + t]
  after: Int32Array; // insert after this position of the other route
}

let tA: Top3 = { cost: new Float64Array(0), after: new Int32Array(0) };
let tB: Top3 = { cost: new Float64Array(0), after: new Int32Array(0) };
let mark = new Int32Array(0);
let markStamp = 0;

function top3(ls: PenalisedSearch, from: number, into: number, out: Top3): void {
  const { cost, N } = ls.d;
  const F = ls.seq[from];
  const I = ls.seq[into];
  const lf = ls.len[from];
  const li = ls.len[into];
  for (let p = 1; p <= lf; p++) {
    const u = F[p];
    let c0 = Infinity;
    let c1 = Infinity;
    let c2 = Infinity;
    let k0 = -1;
    let k1 = -1;
    let k2 = -1;
    for (let k = 0; k <= li; k++) {
      const a = I[k];
      const b = I[k + 1];
      const d = cost[a * N + u] + cost[u * N + b] - cost[a * N + b];
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
    out.cost[p * 3] = c0;
    out.cost[p * 3 + 1] = c1;
    out.cost[p * 3 + 2] = c2;
    out.after[p * 3] = k0;
    out.after[p * 3 + 1] = k1;
    out.after[p * 3 + 2] = k2;
  }
}

/** Cheapest insertion of the job at position p of its route (row p of t) into route r without its job at position q. */
function bestWithout(ls: PenalisedSearch, r: number, t: Top3, p: number, u: number, q: number, out: { k: number }): number {
  const { cost, N } = ls.d;
  const S = ls.seq[r];
  const x = S[q - 1];
  const y = S[q + 1];
  let best = cost[x * N + u] + cost[u * N + y] - cost[x * N + y];
  out.k = q - 1;
  for (let s = 0; s < 3; s++) {
    const k = t.after[p * 3 + s];
    if (k < 0) break;
    if (k === q - 1 || k === q) continue;
    if (t.cost[p * 3 + s] < best) {
      best = t.cost[p * 3 + s];
      out.k = k;
    }
    break;
  }
  return best;
}

/** Route r's jobs with `out` removed and `inn` inserted after position k (of the original route; -1: none). */
function rebuild(ls: PenalisedSearch, r: number, out: number, inn: number, k: number, buf: number[]): number {
  const S = ls.seq[r];
  const n = ls.len[r];
  buf.length = 0;
  if (k === 0 && inn >= 0) buf.push(inn);
  for (let p = 1; p <= n; p++) {
    if (S[p] !== out) buf.push(S[p]);
    if (p === k && inn >= 0) buf.push(inn);
  }
  return buf.length;
}

const bufA: number[] = [];
const bufB: number[] = [];

function pair(ls: PenalisedSearch, a: number, b: number): boolean {
  const { cost, N, demand } = ls.d;
  const need = 3 * (Math.max(ls.len[a], ls.len[b]) + 2);
  if (tA.cost.length < need) {
    tA = { cost: new Float64Array(need * 2), after: new Int32Array(need * 2) };
    tB = { cost: new Float64Array(need * 2), after: new Int32Array(need * 2) };
  }
  top3(ls, a, b, tA);
  top3(ls, b, a, tB);
  const A = ls.seq[a];
  const B = ls.seq[b];
  const la = ls.len[a];
  const lb = ls.len[b];
  const loadA = ls.load[a][la];
  const loadB = ls.load[b][lb];
  const penA = ls.pen(loadA);
  const penB = ls.pen(loadB);
  let best = -EPS;
  let bu = -1;
  let bv = -1;
  let kU = -1;
  let kV = -1;
  const pos = { k: 0 };
  for (let i = 1; i <= la; i++) {
    const u = A[i];
    const remU = cost[A[i - 1] * N + A[i + 1]] - cost[A[i - 1] * N + u] - cost[u * N + A[i + 1]];
    const du = demand[u];
    // Relocation of u alone into B (part of HGS-CVRP's SWAP* evaluation).
    const relU = remU + tA.cost[i * 3] + ls.pen(loadA - du) - penA + ls.pen(loadB + du) - penB;
    if (relU < best && la > 1) {
      best = relU;
      bu = u;
      bv = -1;
      kU = tA.after[i * 3];
    }
    for (let j = 1; j <= lb; j++) {
      const v = B[j];
      const dv = demand[v];
      const dPen = ls.pen(loadA - du + dv) - penA + ls.pen(loadB - dv + du) - penB;
      const remV = cost[B[j - 1] * N + B[j + 1]] - cost[B[j - 1] * N + v] - cost[v * N + B[j + 1]];
      if (dPen + remU + remV >= best) continue;
      const insU = bestWithout(ls, b, tA, i, u, j, pos);
      const ku = pos.k;
      const insV = bestWithout(ls, a, tB, j, v, i, pos);
      const delta = dPen + remU + remV + insU + insV;
      if (delta < best) {
        best = delta;
        bu = u;
        bv = v;
        kU = ku;
        kV = pos.k;
      }
    }
  }
  for (let j = 1; j <= lb; j++) {
    const v = B[j];
    const remV = cost[B[j - 1] * N + B[j + 1]] - cost[B[j - 1] * N + v] - cost[v * N + B[j + 1]];
    const dv = demand[v];
    const relV = remV + tB.cost[j * 3] + ls.pen(loadB - dv) - penB + ls.pen(loadA + dv) - penA;
    if (relV < best && lb > 1) {
      best = relV;
      bu = -1;
      bv = v;
      kV = tB.after[j * 3];
    }
  }
  if (bu < 0 && bv < 0) return false;
  const na = rebuild(ls, a, bu, bv, kV, bufA);
  const nb = rebuild(ls, b, bv, bu, kU, bufB);
  ls.moves++;
  ls.setRoute(a, bufA, na);
  ls.setRoute(b, bufB, nb);
  return true;
}

/** One pass of SWAP* over neighbouring route pairs, in `order`; true when something improved. */
export function swapStarRoutes(ls: PenalisedSearch, order: Int32Array): boolean {
  const R = ls.R;
  if (mark.length < R) mark = new Int32Array(R);
  let improved = false;
  const list: number[] = [];
  for (let oi = 0; oi < R; oi++) {
    const a = order[oi];
    if (ls.len[a] === 0) continue;
    markStamp++;
    list.length = 0;
    const A = ls.seq[a];
    for (let p = 1; p <= ls.len[a]; p++) {
      const near = ls.d.near[A[p]];
      for (let k = 0; k < near.length; k++) {
        const b = ls.routeOf[near[k]];
        if (b !== a && mark[b] !== markStamp) {
          mark[b] = markStamp;
          list.push(b);
        }
      }
    }
    const last = ls.swapTested[a];
    ls.swapTested[a] = ls.moves;
    for (const b of list) {
      if (ls.len[a] === 0 || ls.len[b] === 0) continue;
      if (b < a || Math.max(ls.modified[a], ls.modified[b]) <= last) continue;
      if (pair(ls, a, b)) improved = true;
    }
  }
  return improved;
}
