import type { Rng } from './prng.js';
import type { RouteState, SolutionState } from './solution-state.js';
import { simulateNodes, SIM_OK } from './route-sim.js';
import { swapStarApplies, swapStarPass, type RouteStamps } from './swap-star.js';

/**
 * First-improvement local search on granular neighbourhoods (Toth & Vigo 2003, "The granular
 * tabu search and its application to the vehicle-routing problem"): for every job u and each of
 * its nearest jobs v, try relocate (u next to v), swap (u, v), 2-opt* (tails exchanged so that
 * u→v becomes an arc) and intra-route 2-opt. Cost deltas are O(1); time-window feasibility is
 * O(1) through the forward/backward caches of RouteState whenever the new route is a prefix, a
 * few nodes and a suffix; only intra-route reorderings fall back to an O(m) forward pass.
 */

const EPS = 1e-7;

/** Full check of a new tour for route R's vehicle when the model has rules the O(1) tests miss. */
function fullOk(S: SolutionState, R: RouteState, seq: number[]): boolean {
  return !S.m.complex || simulateNodes(S.m, R.v, seq) === SIM_OK;
}

/** Removes position p (1-based) from a copy of the tour. */
function without(nodes: number[], p: number): number[] {
  const s = nodes.slice();
  s.splice(p - 1, 1);
  return s;
}

/** Runs local search on S until no improving move remains (or `maxPasses`); returns the cost gain. */
export function localSearch(S: SolutionState, rng: Rng, granularity = 30, maxPasses = 50, swapStar = false): number {
  const m = S.m;
  const J = m.J;
  const K = Math.min(m.K, granularity);
  const order = new Int32Array(J);
  for (let i = 0; i < J; i++) order[i] = i;
  let gain = 0;
  // SWAP* (swap-star.ts) runs when the granular moves are exhausted; what it changes goes back to them.
  const star = swapStar && swapStarApplies(S);
  // Moves of u are tried again only when u's route or its neighbour's route changed since u was
  // last tried (HGS-CVRP's whenLastModified / whenLastTestedRI, Vidal 2022): the skipped moves
  // were all priced on the same routes and found not improving, so the result is the same.
  const st: RouteStamps = { moves: 1, modified: new Int32Array(m.V).fill(1), tested: new Int32Array(m.V) };
  const modified = st.modified;
  const tested = new Int32Array(J);
  for (let pass = 0; pass < maxPasses; pass++) {
    rng.shuffle(order);
    let improved = false;
    for (let oi = 0; oi < J; oi++) {
      const u = order[oi];
      if (S.routeOf[u] < 0) continue;
      const lastTested = tested[u];
      tested[u] = st.moves;
      for (let k = 0; k < K; k++) {
        const v = m.neighbours[u * m.K + k];
        const a = S.routeOf[u];
        const b = S.routeOf[v];
        if (b < 0 || a < 0) continue;
        if (modified[a] < lastTested && modified[b] < lastTested) continue;
        const g = tryMoves(S, u, v);
        if (g > 0) {
          gain += g;
          improved = true;
          st.moves++;
          modified[a] = st.moves;
          modified[b] = st.moves;
        }
      }
    }
    if (!improved && star) {
      const g = swapStarPass(S, granularity, st);
      if (g > 0) {
        gain += g;
        improved = true;
      }
    }
    if (!improved) break;
  }
  return gain;
}

function tryMoves(S: SolutionState, u: number, v: number): number {
  const a = S.routeOf[u];
  const b = S.routeOf[v];
  let g = relocate(S, u, b, S.posOf[v]);
  if (g > 0) return g;
  g = relocate(S, u, b, S.posOf[v] - 1);
  if (g > 0) return g;
  if (a !== b) {
    g = swap(S, u, v);
    if (g > 0) return g;
    g = twoOptStar(S, u, v);
    if (g > 0) return g;
  } else {
    g = twoOptIntra(S, u, v);
    if (g > 0) return g;
  }
  return 0;
}

/** Forward pass over explicit nodes for vehicle of route R: time windows and shift end only. */
function sequenceFeasible(S: SolutionState, R: RouteState, seq: number[]): boolean {
  const m = S.m;
  const N = m.N;
  const time = m.vTime[R.v];
  let prev = R.start;
  let t = m.vShiftStart[R.v];
  for (let i = 0; i <= seq.length; i++) {
    const x = i < seq.length ? seq[i] : R.end;
    t += m.service[prev] + time[prev * N + x];
    if (t < m.ready[x]) t = m.ready[x];
    if (t > m.due[x]) return false;
    prev = x;
  }
  return t <= m.vLatestEnd[R.v];
}

/**
 * Is the route (A's positions 0..pa) + mid + (B's positions pb..end) feasible in time for A's
 * vehicle? O(|mid|) when A and B end alike, else a forward pass over B's tail.
 */
function joinFeasible(S: SolutionState, A: RouteState, pa: number, mid: number, B: RouteState, pb: number): boolean {
  const m = S.m;
  if (!m.hasTimeWindows) return true;
  const N = m.N;
  const time = m.vTime[A.v];
  let prev = A.at(pa);
  let t = A.fwd[pa];
  if (mid >= 0) {
    t += m.service[prev] + time[prev * N + mid];
    if (t < m.ready[mid]) t = m.ready[mid];
    if (t > m.due[mid]) return false;
    prev = mid;
  }
  // B's backward slack holds for A's vehicle only when both end alike and drive on one matrix.
  if (A.end === B.end && m.vLatestEnd[A.v] === m.vLatestEnd[B.v] && time === m.vTime[B.v]) {
    const x = B.at(pb);
    return t + m.service[prev] + time[prev * N + x] <= B.bwd[pb] + EPS;
  }
  const lenB = B.nodes.length;
  for (let k = pb; k <= lenB + 1; k++) {
    const x = k <= lenB ? B.nodes[k - 1] : A.end;
    t += m.service[prev] + time[prev * N + x];
    if (t < m.ready[x]) t = m.ready[x];
    if (t > m.due[x]) return false;
    prev = x;
  }
  return t <= m.vLatestEnd[A.v];
}

/** Moves u to route b right after position q (q may be 0: after the start depot). */
function relocate(S: SolutionState, u: number, b: number, q: number): number {
  const m = S.m;
  const N = m.N;
  const a = S.routeOf[u];
  const pu = S.posOf[u];
  const A = S.routes[a];
  const B = S.routes[b];
  if (a === b && (q === pu || q === pu - 1)) return 0;
  const ca = m.costByClass[m.vClass[A.v]];
  const cb = m.costByClass[m.vClass[B.v]];
  const pA = A.at(pu - 1);
  const sA = A.at(pu + 1);
  const x = B.at(q);
  const y = B.at(q + 1);
  let delta = ca[pA * N + sA] - ca[pA * N + u] - ca[u * N + sA] + cb[x * N + u] + cb[u * N + y] - cb[x * N + y];
  // An emptied route costs nothing: no fixed cost and no depot-to-depot arc.
  if (a !== b && A.nodes.length === 1) delta -= m.vFixed[A.v] + ca[pA * N + sA];
  if (delta > -EPS) return 0;
  if (a !== b) {
    if (B.loadW + m.weight[u] > m.vCapW[B.v] + 1e-9 || B.loadV + m.volume[u] > m.vCapV[B.v] + 1e-9) return 0;
    if (B.loadP + m.pallets[u] > m.vCapP[B.v] + 1e-9 || (m.jSkill[u] & ~m.vSkill[B.v]) !== 0) return 0;
    if (!joinFeasible(S, A, pu - 1, -1, A, pu + 1)) return 0;
    if (!joinFeasible(S, B, q, u, B, q + 1)) return 0;
    if (m.complex) {
      const seqB = B.nodes.slice();
      seqB.splice(q, 0, u);
      if (!fullOk(S, A, without(A.nodes, pu)) || !fullOk(S, B, seqB)) return 0;
    }
    A.nodes.splice(pu - 1, 1);
    B.nodes.splice(q, 0, u);
    S.update(a);
    S.update(b);
    return -delta;
  }
  const seq = A.nodes.slice();
  seq.splice(pu - 1, 1);
  seq.splice(q < pu ? q : q - 1, 0, u);
  if (m.hasTimeWindows && !sequenceFeasible(S, A, seq)) return 0;
  if (!fullOk(S, A, seq)) return 0;
  A.nodes = seq;
  S.update(a);
  return -delta;
}

function swap(S: SolutionState, u: number, v: number): number {
  const m = S.m;
  const N = m.N;
  const a = S.routeOf[u];
  const b = S.routeOf[v];
  const A = S.routes[a];
  const B = S.routes[b];
  const pu = S.posOf[u];
  const pv = S.posOf[v];
  const ca = m.costByClass[m.vClass[A.v]];
  const cb = m.costByClass[m.vClass[B.v]];
  const pA = A.at(pu - 1);
  const sA = A.at(pu + 1);
  const pB = B.at(pv - 1);
  const sB = B.at(pv + 1);
  const delta =
    ca[pA * N + v] + ca[v * N + sA] - ca[pA * N + u] - ca[u * N + sA] + cb[pB * N + u] + cb[u * N + sB] - cb[pB * N + v] - cb[v * N + sB];
  if (delta > -EPS) return 0;
  const dw = m.weight[v] - m.weight[u];
  const dv = m.volume[v] - m.volume[u];
  if (A.loadW + dw > m.vCapW[A.v] + 1e-9 || A.loadV + dv > m.vCapV[A.v] + 1e-9) return 0;
  if (B.loadW - dw > m.vCapW[B.v] + 1e-9 || B.loadV - dv > m.vCapV[B.v] + 1e-9) return 0;
  const dp = m.pallets[v] - m.pallets[u];
  if (A.loadP + dp > m.vCapP[A.v] + 1e-9 || B.loadP - dp > m.vCapP[B.v] + 1e-9) return 0;
  if ((m.jSkill[v] & ~m.vSkill[A.v]) !== 0 || (m.jSkill[u] & ~m.vSkill[B.v]) !== 0) return 0;
  if (!joinFeasible(S, A, pu - 1, v, A, pu + 1)) return 0;
  if (!joinFeasible(S, B, pv - 1, u, B, pv + 1)) return 0;
  if (m.complex) {
    const seqA = A.nodes.slice();
    const seqB = B.nodes.slice();
    seqA[pu - 1] = v;
    seqB[pv - 1] = u;
    if (!fullOk(S, A, seqA) || !fullOk(S, B, seqB)) return 0;
  }
  A.nodes[pu - 1] = v;
  B.nodes[pv - 1] = u;
  S.update(a);
  S.update(b);
  return -delta;
}

/** A' = A[..u] + B[v..], B' = B[..pred v] + A[succ u..]; restricted to same end node and cost class. */
function twoOptStar(S: SolutionState, u: number, v: number): number {
  const m = S.m;
  const N = m.N;
  const a = S.routeOf[u];
  const b = S.routeOf[v];
  const A = S.routes[a];
  const B = S.routes[b];
  if (A.end !== B.end || m.vClass[A.v] !== m.vClass[B.v]) return 0;
  const pu = S.posOf[u];
  const pv = S.posOf[v];
  const c = m.costByClass[m.vClass[A.v]];
  const sA = A.at(pu + 1);
  const pB = B.at(pv - 1);
  let delta = c[u * N + v] + c[pB * N + sA] - c[u * N + sA] - c[pB * N + v];
  const lenA = A.nodes.length;
  const newLenB = pv - 1 + (lenA - pu);
  if (newLenB === 0) delta -= m.vFixed[B.v] + c[pB * N + sA];
  if (delta > -EPS) return 0;
  const wA = A.cumW[pu] + (B.loadW - B.cumW[pv - 1]);
  const vA = A.cumV[pu] + (B.loadV - B.cumV[pv - 1]);
  const wB = B.cumW[pv - 1] + (A.loadW - A.cumW[pu]);
  const vB = B.cumV[pv - 1] + (A.loadV - A.cumV[pu]);
  if (wA > m.vCapW[A.v] + 1e-9 || vA > m.vCapV[A.v] + 1e-9 || wB > m.vCapW[B.v] + 1e-9 || vB > m.vCapV[B.v] + 1e-9) return 0;
  const palA = A.cumP[pu] + (B.loadP - B.cumP[pv - 1]);
  const palB = B.cumP[pv - 1] + (A.loadP - A.cumP[pu]);
  if (palA > m.vCapP[A.v] + 1e-9 || palB > m.vCapP[B.v] + 1e-9) return 0;
  if (!joinFeasible(S, A, pu, -1, B, pv)) return 0;
  if (!joinFeasible(S, B, pv - 1, -1, A, pu + 1)) return 0;
  const tailA = A.nodes.slice(pu);
  const tailB = B.nodes.slice(pv - 1);
  if (m.complex) {
    const newA = A.nodes.slice(0, pu).concat(tailB);
    const newB = B.nodes.slice(0, pv - 1).concat(tailA);
    if (!fullOk(S, A, newA) || !fullOk(S, B, newB)) return 0;
  }
  A.nodes.length = pu;
  B.nodes.length = pv - 1;
  for (const x of tailB) A.nodes.push(x);
  for (const x of tailA) B.nodes.push(x);
  S.update(a);
  S.update(b);
  return -delta;
}

/** Reverses the segment between u and v (same route) so that u→v becomes an arc. */
function twoOptIntra(S: SolutionState, u: number, v: number): number {
  const m = S.m;
  const N = m.N;
  const a = S.routeOf[u];
  const A = S.routes[a];
  const pu = S.posOf[u];
  const pv = S.posOf[v];
  if (pv <= pu + 1) return 0;
  const c = m.costByClass[m.vClass[A.v]];
  const sU = A.at(pu + 1);
  const sV = A.at(pv + 1);
  let delta = c[u * N + v] + c[sU * N + sV] - c[u * N + sU] - c[v * N + sV];
  // Reversal changes the inner arcs' direction; on asymmetric matrices price them explicitly.
  for (let k = pu + 1; k < pv; k++) {
    const x = A.nodes[k - 1];
    const y = A.nodes[k];
    delta += c[y * N + x] - c[x * N + y];
  }
  if (delta > -EPS) return 0;
  const seq = A.nodes.slice();
  let i = pu;
  let j = pv - 1;
  while (i < j) {
    const t = seq[i];
    seq[i] = seq[j];
    seq[j] = t;
    i++;
    j--;
  }
  if (m.hasTimeWindows && !sequenceFeasible(S, A, seq)) return 0;
  if (!fullOk(S, A, seq)) return 0;
  A.nodes = seq;
  S.update(a);
  return -delta;
}
