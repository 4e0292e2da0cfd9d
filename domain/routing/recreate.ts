import type { Rng } from './prng.js';
import type { SolutionState } from './solution-state.js';
import { simulateInsert, simulateRoute, SIM_OK } from './route-sim.js';

/**
 * Greedy insertion with blinks, the recreate step of SISR (Christiaens & Vanden Berghe 2020,
 * "Slack Induction by String Removals for Vehicle Routing Problems", Transportation Science
 * 54(2)): jobs are inserted one by one at their cheapest feasible position, each position being
 * skipped with probability `blinkRate` to diversify.
 */

const bestPos = { delta: 0, route: -1, pos: -1 };

/** Inserts job j at position pos (1-based, before the node currently at pos) of route r. */
export function insertAt(S: SolutionState, j: number, r: number, pos: number): void {
  S.routes[r].nodes.splice(pos - 1, 0, j);
  S.update(r);
}

/**
 * Finds the cheapest feasible insertion of job j over all used routes plus one empty route per
 * vehicle type; result in the returned shared object (route -1 when none). O(total positions).
 */
export function findBestInsertion(S: SolutionState, j: number, blinkRate: number, rng: Rng, emptyTypeSeen: Uint8Array): typeof bestPos {
  const m = S.m;
  const N = m.N;
  const { ready, due, service } = m;
  const wj = m.weight[j];
  const vj = m.volume[j];
  const rj = ready[j];
  const dj = due[j];
  const sj = service[j];
  const tw = m.hasTimeWindows;
  bestPos.delta = Number.POSITIVE_INFINITY;
  bestPos.route = -1;
  bestPos.pos = -1;
  emptyTypeSeen.fill(0);
  const routes = S.routes;
  // Blinks drawn as geometric gaps between skipped positions: one random draw per blink, not per position.
  const logKeep = blinkRate > 0 ? Math.log(1 - blinkRate) : 0;
  let untilBlink = blinkRate > 0 ? Math.floor(Math.log(1 - rng.next()) / logKeep) : Number.POSITIVE_INFINITY;
  for (let r = 0; r < routes.length; r++) {
    const R = routes[r];
    const v = R.v;
    const len = R.nodes.length;
    if (len === 0) {
      if (S.usedRoutes >= S.maxRoutes) continue;
      const t = S.vType[v];
      if (emptyTypeSeen[t]) continue;
      emptyTypeSeen[t] = 1;
    }
    if (R.loadW + wj > m.vCapW[v] + 1e-9 || R.loadV + vj > m.vCapV[v] + 1e-9) continue;
    if (R.loadP + m.pallets[j] > m.vCapP[v] + 1e-9 || (m.jSkill[j] & ~m.vSkill[v]) !== 0) continue;
    const c = m.costByClass[m.vClass[v]];
    const time = m.vTime[v];
    const fixed = len === 0 ? m.vFixed[v] : 0;
    const nodes = R.nodes;
    const fwd = R.fwd;
    const bwd = R.bwd;
    let prev = R.start;
    for (let k = 0; k <= len; k++) {
      const next = k < len ? nodes[k] : R.end;
      if (untilBlink-- === 0) {
        untilBlink = Math.floor(Math.log(1 - rng.next()) / logKeep);
        prev = next;
        continue;
      }
      const pn = prev * N;
      const delta = c[pn + j] + c[j * N + next] - c[pn + next] + fixed;
      if (delta < bestPos.delta) {
        let ok = true;
        if (tw) {
          let t = fwd[k] + service[prev] + time[pn + j];
          if (t < rj) t = rj;
          if (t > dj) ok = false;
          else if (t + sj + time[j * N + next] > bwd[k + 1]) ok = false;
        }
        if (ok && m.complex) ok = simulateInsert(m, v, nodes, k + 1, j) === SIM_OK;
        if (ok) {
          bestPos.delta = delta;
          bestPos.route = r;
          bestPos.pos = k + 1;
        }
      }
      prev = next;
    }
  }
  return bestPos;
}

/**
 * Granular variant for large instances: only the positions next to j's `k` nearest assigned jobs
 * (before and after each) plus one empty route per vehicle type; falls back to the full scan
 * when none of those is feasible. Cuts the work per job from O(n) to O(k).
 */
export function findNearInsertion(
  S: SolutionState,
  j: number,
  k: number,
  blinkRate: number,
  rng: Rng,
  emptyTypeSeen: Uint8Array,
): typeof bestPos {
  const m = S.m;
  const N = m.N;
  const { ready, due, service } = m;
  const wj = m.weight[j];
  const vj = m.volume[j];
  const tw = m.hasTimeWindows;
  bestPos.delta = Number.POSITIVE_INFINITY;
  bestPos.route = -1;
  bestPos.pos = -1;
  const K = Math.min(k, m.K);
  const nb = m.neighbours;
  const base = j * m.K;
  for (let i = 0; i < K; i++) {
    const v = nb[base + i];
    const r = S.routeOf[v];
    if (r < 0) continue;
    const R = S.routes[r];
    const veh = R.v;
    if (R.loadW + wj > m.vCapW[veh] + 1e-9 || R.loadV + vj > m.vCapV[veh] + 1e-9) continue;
    if (R.loadP + m.pallets[j] > m.vCapP[veh] + 1e-9 || (m.jSkill[j] & ~m.vSkill[veh]) !== 0) continue;
    const c = m.costByClass[m.vClass[veh]];
    const time = m.vTime[veh];
    const pv = S.posOf[v];
    for (let side = 0; side < 2; side++) {
      if (blinkRate > 0 && rng.next() < blinkRate) continue;
      const kk = side === 0 ? pv - 1 : pv;
      const prev = R.at(kk);
      const next = R.at(kk + 1);
      const pn = prev * N;
      const delta = c[pn + j] + c[j * N + next] - c[pn + next];
      if (delta >= bestPos.delta) continue;
      if (tw) {
        let t = R.fwd[kk] + service[prev] + time[pn + j];
        if (t < ready[j]) t = ready[j];
        if (t > due[j] || t + service[j] + time[j * N + next] > R.bwd[kk + 1]) continue;
      }
      if (m.complex && simulateInsert(m, veh, R.nodes, kk + 1, j) !== SIM_OK) continue;
      bestPos.delta = delta;
      bestPos.route = r;
      bestPos.pos = kk + 1;
    }
  }
  // One empty route per vehicle type, so that opening a route is always an option.
  emptyTypeSeen.fill(0);
  let typesLeft = S.usedRoutes >= S.maxRoutes ? 0 : S.nTypes;
  for (let r = 0; r < S.routes.length && typesLeft > 0; r++) {
    const R = S.routes[r];
    if (R.nodes.length !== 0) continue;
    const t = S.vType[R.v];
    if (emptyTypeSeen[t]) continue;
    emptyTypeSeen[t] = 1;
    typesLeft--;
    const veh = R.v;
    if (wj > m.vCapW[veh] + 1e-9 || vj > m.vCapV[veh] + 1e-9) continue;
    if (m.pallets[j] > m.vCapP[veh] + 1e-9 || (m.jSkill[j] & ~m.vSkill[veh]) !== 0) continue;
    const c = m.costByClass[m.vClass[veh]];
    const time = m.vTime[veh];
    const delta = c[R.start * N + j] + c[j * N + R.end] - c[R.start * N + R.end] + m.vFixed[veh];
    if (delta >= bestPos.delta) continue;
    if (tw) {
      let t = R.fwd[0] + service[R.start] + time[R.start * N + j];
      if (t < ready[j]) t = ready[j];
      if (t > due[j] || t + service[j] + time[j * N + R.end] > R.bwd[1]) continue;
    }
    if (m.complex && simulateInsert(m, veh, R.nodes, 1, j) !== SIM_OK) continue;
    bestPos.delta = delta;
    bestPos.route = r;
    bestPos.pos = 1;
  }
  if (bestPos.route < 0) return findBestInsertion(S, j, blinkRate, rng, emptyTypeSeen);
  return bestPos;
}

const pairPos = { delta: 0, route: -1, pi: -1, di: -1 };
let pairBuf = new Int32Array(64);

/**
 * Cheapest feasible insertion of a pickup-and-delivery pair (pickup p before delivery d, one
 * route) over all used routes plus one empty route per vehicle type: every pickup position
 * that passes the O(1) time test, every delivery position after it, full check on candidates
 * cheaper than the best so far. pi/di are the indices (0-based, in the route before insertion)
 * before which p and d go; di >= pi.
 */
export function findPairInsertion(
  S: SolutionState,
  p: number,
  d: number,
  blinkRate: number,
  rng: Rng,
  emptyTypeSeen: Uint8Array,
): typeof pairPos {
  const m = S.m;
  const N = m.N;
  pairPos.delta = Number.POSITIVE_INFINITY;
  pairPos.route = -1;
  emptyTypeSeen.fill(0);
  for (let r = 0; r < S.routes.length; r++) {
    const R = S.routes[r];
    const v = R.v;
    const nodes = R.nodes;
    const len = nodes.length;
    if (len === 0) {
      if (S.usedRoutes >= S.maxRoutes) continue;
      const t = S.vType[v];
      if (emptyTypeSeen[t]) continue;
      emptyTypeSeen[t] = 1;
    }
    if (((m.jSkill[p] | m.jSkill[d]) & ~m.vSkill[v]) !== 0) continue;
    const c = m.costByClass[m.vClass[v]];
    const fixed = len === 0 ? m.vFixed[v] : 0;
    if (pairBuf.length < len + 2) pairBuf = new Int32Array(2 * len + 4);
    for (let i = 0; i <= len; i++) {
      if (blinkRate > 0 && rng.next() < blinkRate) continue;
      const a = R.at(i);
      const b = R.at(i + 1);
      if (m.hasTimeWindows) {
        let t = R.fwd[i] + m.service[a] + m.vTime[v][a * N + p];
        if (t < m.ready[p]) t = m.ready[p];
        if (t > m.due[p]) continue;
      }
      const addP = c[a * N + p] + c[p * N + b] - c[a * N + b];
      for (let k = i; k <= len; k++) {
        let delta: number;
        if (k === i) delta = c[a * N + p] + c[p * N + d] + c[d * N + b] - c[a * N + b];
        else {
          const x = R.at(k);
          const y = R.at(k + 1);
          delta = addP + c[x * N + d] + c[d * N + y] - c[x * N + y];
        }
        delta += fixed;
        if (delta >= pairPos.delta) continue;
        let o = 0;
        for (let q = 0; q <= len; q++) {
          if (q === i) pairBuf[o++] = p;
          if (q === k) pairBuf[o++] = d;
          if (q < len) pairBuf[o++] = nodes[q];
        }
        if (simulateRoute(m, v, pairBuf, len + 2) !== SIM_OK) continue;
        pairPos.delta = delta;
        pairPos.route = r;
        pairPos.pi = i;
        pairPos.di = k;
      }
    }
  }
  return pairPos;
}

let handled = new Int32Array(0);
let handledStamp = 0;

/**
 * Recreates: inserts every job of `jobs` in the given order; jobs with no feasible place, or
 * optional jobs whose cheapest place costs more than their drop penalty, stay unassigned.
 * Both jobs of a pickup-and-delivery pair are inserted together when the first one comes up.
 */
export function recreate(
  S: SolutionState,
  jobs: number[],
  blinkRate: number,
  rng: Rng,
  emptyTypeSeen: Uint8Array,
  onTouch: (r: number) => void,
  granularK = 0,
): void {
  const m = S.m;
  if (m.hasPairs) {
    if (handled.length < m.J) handled = new Int32Array(m.J);
    handledStamp++;
  }
  for (const j of jobs) {
    if (S.routeOf[j] >= 0) continue;
    const q = m.partner[j];
    if (q >= 0 && S.routeOf[q] < 0) {
      if (handled[j] === handledStamp) continue;
      handled[j] = handled[q] = handledStamp;
      const p = m.isPickup[j] ? j : q;
      const d = p === j ? q : j;
      const b = findPairInsertion(S, p, d, blinkRate, rng, emptyTypeSeen);
      if (b.route < 0 || b.delta >= m.penalty[p] + m.penalty[d]) {
        S.unassigned.push(p, d);
        continue;
      }
      onTouch(b.route);
      const nodes = S.routes[b.route].nodes;
      nodes.splice(b.di, 0, d);
      nodes.splice(b.pi, 0, p);
      S.update(b.route);
      continue;
    }
    const b =
      granularK > 0
        ? findNearInsertion(S, j, granularK, blinkRate, rng, emptyTypeSeen)
        : findBestInsertion(S, j, blinkRate, rng, emptyTypeSeen);
    if (b.route < 0 || b.delta >= m.penalty[j]) {
      S.unassigned.push(j);
      continue;
    }
    onTouch(b.route);
    insertAt(S, j, b.route, b.pos);
  }
}
