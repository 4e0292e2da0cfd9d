import type { Rng } from './prng.js';
import type { SolutionState } from './solution-state.js';

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
  const { time, ready, due, service } = m;
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
  for (let r = 0; r < routes.length; r++) {
    const R = routes[r];
    const v = R.v;
    const len = R.nodes.length;
    if (len === 0) {
      const t = S.vType[v];
      if (emptyTypeSeen[t]) continue;
      emptyTypeSeen[t] = 1;
    }
    if (R.loadW + wj > m.vCapW[v] + 1e-9 || R.loadV + vj > m.vCapV[v] + 1e-9) continue;
    const c = m.costByClass[m.vClass[v]];
    const fixed = len === 0 ? m.vFixed[v] : 0;
    const nodes = R.nodes;
    const fwd = R.fwd;
    const bwd = R.bwd;
    let prev = R.start;
    for (let k = 0; k <= len; k++) {
      const next = k < len ? nodes[k] : R.end;
      if (blinkRate > 0 && rng.next() < blinkRate) {
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

/** Recreates: inserts every job of `jobs` in the given order; jobs with no feasible place stay unassigned. */
export function recreate(S: SolutionState, jobs: number[], blinkRate: number, rng: Rng, emptyTypeSeen: Uint8Array, onTouch: (r: number) => void): void {
  for (const j of jobs) {
    const b = findBestInsertion(S, j, blinkRate, rng, emptyTypeSeen);
    if (b.route < 0) {
      S.unassigned.push(j);
      continue;
    }
    onTouch(b.route);
    insertAt(S, j, b.route, b.pos);
  }
}
