import type { RouteState, SolutionState } from './solution-state.js';

/**
 * SWAP* (Vidal 2022, "Hybrid genetic search for the CVRP: Open-source implementation and SWAP*
 * neighborhood", Computers & Operations Research 140:105643, section 4; also in PyVRP): exchange
 * u of route A and v of route B, each inserted at its cheapest position in the other route
 * rather than in the other's place. The three cheapest insertion positions of every node of A
 * in B (and of B in A) are computed once per route pair, so each (u, v) pair is priced in O(1):
 * the best position of u in B without v is one of those three not next to v, or v's own place.
 *
 * Route pairs are restricted, as HGS restricts them to overlapping polar sectors, to pairs where
 * some job has one of its `granularity` nearest jobs in the other route (works for several depots
 * too). Capacity-only problems (no time windows, pairs or rules of route-sim.ts), the CVRP it was
 * designed for.
 */

const EPS = 1e-7;

/** Whether SWAP* is exact for this problem (its moves check capacities and skills only). */
export function swapStarApplies(S: SolutionState): boolean {
  const m = S.m;
  // A shift end can still bind: swapStarPair's full update checks it and undoes the move.
  return !m.hasTimeWindows && !m.complex && !m.hasPairs;
}

interface Top3 {
  cost: Float64Array; // [node * 3 + t]
  after: Int32Array; // position k: insert between at(k) and at(k+1)
}

function top3(S: SolutionState, from: RouteState, into: RouteState, out: Top3): void {
  const m = S.m;
  const N = m.N;
  const c = m.costByClass[m.vClass[into.v]];
  const len = into.nodes.length;
  for (let i = 0; i < from.nodes.length; i++) {
    const u = from.nodes[i];
    let c0 = Infinity;
    let c1 = Infinity;
    let c2 = Infinity;
    let k0 = -1;
    let k1 = -1;
    let k2 = -1;
    let prev = into.start;
    for (let k = 0; k <= len; k++) {
      const next = k < len ? into.nodes[k] : into.end;
      const d = c[prev * N + u] + c[u * N + next] - c[prev * N + next];
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
      prev = next;
    }
    out.cost[i * 3] = c0;
    out.cost[i * 3 + 1] = c1;
    out.cost[i * 3 + 2] = c2;
    out.after[i * 3] = k0;
    out.after[i * 3 + 1] = k1;
    out.after[i * 3 + 2] = k2;
  }
}

/**
 * Cheapest insertion of the node with top-3 row i into route R without its node at position pv
 * (1-based): a top-3 position not touching pv, or pv's own place. Returns cost, sets `pos.k`
 * (insert after R's position k of the original route; k = pv - 1 for pv's place).
 */
function bestWithout(S: SolutionState, R: RouteState, t: Top3, i: number, u: number, pv: number, pos: { k: number }): number {
  const m = S.m;
  const N = m.N;
  const c = m.costByClass[m.vClass[R.v]];
  const x = R.at(pv - 1);
  const y = R.at(pv + 1);
  let best = c[x * N + u] + c[u * N + y] - c[x * N + y];
  pos.k = pv - 1;
  for (let q = 0; q < 3; q++) {
    const k = t.after[i * 3 + q];
    if (k < 0) break;
    if (k === pv - 1 || k === pv) continue;
    const d = t.cost[i * 3 + q];
    if (d < best) {
      best = d;
      pos.k = k;
    }
    break; // sorted: the first position not touching pv is the cheapest of them
  }
  return best;
}

/** One SWAP* move between routes a and b (the best one), applied if it improves; returns the gain. */
function swapStarPair(S: SolutionState, a: number, b: number, tA: Top3, tB: Top3): number {
  const m = S.m;
  const N = m.N;
  const A = S.routes[a];
  const B = S.routes[b];
  const ca = m.costByClass[m.vClass[A.v]];
  const cb = m.costByClass[m.vClass[B.v]];
  top3(S, A, B, tA);
  top3(S, B, A, tB);
  const lenA = A.nodes.length;
  const lenB = B.nodes.length;
  let bestDelta = -EPS;
  let bu = -1;
  let bv = -1;
  let bkU = -1;
  let bkV = -1;
  const pos = { k: 0 };
  for (let i = 0; i < lenA; i++) {
    const u = A.nodes[i];
    const remU = ca[A.at(i) * N + A.at(i + 2)] - ca[A.at(i) * N + u] - ca[u * N + A.at(i + 2)];
    for (let j = 0; j < lenB; j++) {
      const v = B.nodes[j];
      const remV = cb[B.at(j) * N + B.at(j + 2)] - cb[B.at(j) * N + v] - cb[v * N + B.at(j + 2)];
      if (A.loadW - m.weight[u] + m.weight[v] > m.vCapW[A.v] + 1e-9 || B.loadW - m.weight[v] + m.weight[u] > m.vCapW[B.v] + 1e-9) continue;
      if (A.loadV - m.volume[u] + m.volume[v] > m.vCapV[A.v] + 1e-9 || B.loadV - m.volume[v] + m.volume[u] > m.vCapV[B.v] + 1e-9) continue;
      if (A.loadP - m.pallets[u] + m.pallets[v] > m.vCapP[A.v] + 1e-9 || B.loadP - m.pallets[v] + m.pallets[u] > m.vCapP[B.v] + 1e-9)
        continue;
      if ((m.jSkill[u] & ~m.vSkill[B.v]) !== 0 || (m.jSkill[v] & ~m.vSkill[A.v]) !== 0) continue;
      const insU = bestWithout(S, B, tA, i, u, j + 1, pos);
      const kU = pos.k;
      const insV = bestWithout(S, A, tB, j, v, i + 1, pos);
      const delta = remU + remV + insU + insV;
      if (delta < bestDelta) {
        bestDelta = delta;
        bu = u;
        bv = v;
        bkU = kU;
        bkV = pos.k;
      }
    }
  }
  if (bu < 0) return 0;
  // Insert after a node of the original route (k = 0: after the start depot), then drop the moved one.
  const place = (R: RouteState, out: number, inn: number, k: number): number[] => {
    const seq: number[] = [];
    if (k === 0) seq.push(inn);
    for (let p = 1; p <= R.nodes.length; p++) {
      const x = R.nodes[p - 1];
      if (x !== out) seq.push(x);
      if (p === k) seq.push(inn);
    }
    return seq;
  };
  const before = A.cost + B.cost;
  const newA = place(A, bu, bv, bkV);
  const newB = place(B, bv, bu, bkU);
  const oldA = A.nodes;
  const oldB = B.nodes;
  A.nodes = newA;
  B.nodes = newB;
  S.update(a);
  S.update(b);
  const gain = before - (A.cost + B.cost);
  if (gain > EPS && A.feasible && B.feasible) return gain;
  // Guard: a priced move that does not pay in the full update is undone.
  A.nodes = oldA;
  B.nodes = oldB;
  S.update(a);
  S.update(b);
  return 0;
}

/**
 * Route modification stamps shared with the local search: a route pair is tried again only when
 * one of the two routes changed since the first route was last tried (HGS-CVRP's
 * whenLastModified / whenLastTestedSWAPStar, Vidal 2022), which gives the same moves.
 */
export interface RouteStamps {
  moves: number;
  modified: Int32Array;
  tested: Int32Array;
}

/** SWAP* over all neighbouring route pairs, one pass; returns the total gain. */
export function swapStarPass(S: SolutionState, granularity: number, stamps?: RouteStamps): number {
  const m = S.m;
  const K = Math.min(m.K, granularity);
  const R = S.routes.length;
  let gain = 0;
  let maxLen = 0;
  for (const r of S.routes) maxLen = Math.max(maxLen, r.nodes.length);
  const mk = (): Top3 => ({ cost: new Float64Array(3 * (maxLen + 1)), after: new Int32Array(3 * (maxLen + 1)) });
  const tA = mk();
  const tB = mk();
  const near = new Uint8Array(R);
  const list: number[] = [];
  for (let a = 0; a < R; a++) {
    const A = S.routes[a];
    if (A.nodes.length === 0) continue;
    list.length = 0;
    for (const u of A.nodes) {
      for (let k = 0; k < K; k++) {
        const b = S.routeOf[m.neighbours[u * m.K + k]];
        if (b > a && !near[b]) {
          near[b] = 1;
          list.push(b);
        }
      }
    }
    for (const b of list) near[b] = 0;
    const lastA = stamps ? stamps.tested[a] : 0;
    if (stamps) stamps.tested[a] = stamps.moves;
    for (const b of list) {
      if (S.routes[a].nodes.length === 0 || S.routes[b].nodes.length === 0) continue;
      if (stamps && stamps.modified[a] < lastA && stamps.modified[b] < lastA) continue;
      // Route lengths change with each move: the scratch rows must hold the longer route.
      const need = 3 * (Math.max(S.routes[a].nodes.length, S.routes[b].nodes.length) + 1);
      if (tA.cost.length < need) {
        tA.cost = new Float64Array(need * 2);
        tA.after = new Int32Array(need * 2);
        tB.cost = new Float64Array(need * 2);
        tB.after = new Int32Array(need * 2);
      }
      const g = swapStarPair(S, a, b, tA, tB);
      if (g > 0 && stamps) {
        stamps.moves++;
        stamps.modified[a] = stamps.moves;
        stamps.modified[b] = stamps.moves;
      }
      gain += g;
    }
  }
  return gain;
}
