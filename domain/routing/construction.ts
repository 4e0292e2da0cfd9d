import type { SolutionState } from './solution-state.js';
import { simulateInsert, SIM_OK } from './route-sim.js';

/**
 * Regret-2 insertion (Potvin & Rousseau 1993, "A parallel route building algorithm for the
 * vehicle routing and scheduling problem with time windows"; regret-k as in Ropke & Pisinger
 * 2006): repeatedly insert the job whose best and second-best routes differ most, so jobs with
 * few good options are placed before the easy ones take their room. Best insertions are cached
 * per (job, route) and only the changed route is re-evaluated after each step, O(J·m) per step.
 * Jobs that fit nowhere are left in S.unassigned.
 */
export function regretInsertion(S: SolutionState, jobs: number[]): void {
  const m = S.m;
  const V = m.V;
  const routes = S.routes;
  const best = new Float64Array(m.J * V).fill(Number.POSITIVE_INFINITY);
  const bestPos = new Int32Array(m.J * V);
  const pending = jobs.slice();

  // Candidate routes: used ones plus the first empty vehicle of each type.
  const emptyOf = new Int32Array(S.nTypes).fill(-1);
  const refreshEmpty = (t: number): void => {
    emptyOf[t] = -1;
    for (let r = 0; r < V; r++) {
      if (routes[r].nodes.length === 0 && S.vType[routes[r].v] === t && S.usedRoutes < S.maxRoutes) {
        emptyOf[t] = r;
        break;
      }
    }
  };
  const evalRoute = (r: number): void => {
    for (const j of pending) evalInsertion(S, j, r, best, bestPos);
  };
  for (let r = 0; r < V; r++) if (routes[r].nodes.length > 0) evalRoute(r);
  for (let t = 0; t < S.nTypes; t++) {
    refreshEmpty(t);
    if (emptyOf[t] >= 0) evalRoute(emptyOf[t]);
  }

  let cands: number[] = [];
  const refreshCands = (): void => {
    cands = [];
    for (let r = 0; r < V; r++) if (routes[r].nodes.length > 0 || emptyOf[S.vType[routes[r].v]] === r) cands.push(r);
  };
  refreshCands();
  while (pending.length > 0) {
    let pick = -1;
    let pickRoute = -1;
    let pickRegret = Number.NEGATIVE_INFINITY;
    let pickCost = Number.POSITIVE_INFINITY;
    for (let i = 0; i < pending.length; i++) {
      const j = pending[i];
      let b1 = Number.POSITIVE_INFINITY;
      let b2 = Number.POSITIVE_INFINITY;
      let r1 = -1;
      const row = j * V;
      for (let ci = 0; ci < cands.length; ci++) {
        const r = cands[ci];
        const c = best[row + r];
        if (c < b1) {
          b2 = b1;
          b1 = c;
          r1 = r;
        } else if (c < b2) b2 = c;
      }
      if (r1 < 0) continue;
      const regret = b2 === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : b2 - b1;
      if (regret > pickRegret || (regret === pickRegret && b1 < pickCost)) {
        pick = i;
        pickRoute = r1;
        pickRegret = regret;
        pickCost = b1;
      }
    }
    if (pick < 0) break;
    const j = pending[pick];
    pending[pick] = pending[pending.length - 1];
    pending.pop();
    const wasEmpty = routes[pickRoute].nodes.length === 0;
    routes[pickRoute].nodes.splice(bestPos[j * V + pickRoute] - 1, 0, j);
    S.update(pickRoute);
    evalRoute(pickRoute);
    if (wasEmpty) {
      // The route is used now: the next empty vehicle of each type becomes the candidate (the cap may have been reached).
      for (let t = 0; t < S.nTypes; t++) {
        const before = emptyOf[t];
        refreshEmpty(t);
        if (emptyOf[t] >= 0 && emptyOf[t] !== before) evalRoute(emptyOf[t]);
      }
      refreshCands();
    }
  }
  for (const j of pending) S.unassigned.push(j);
}

/** Cheapest feasible position of job j in route r, written to best/bestPos at [j*V + r]. */
function evalInsertion(S: SolutionState, j: number, r: number, best: Float64Array, bestPos: Int32Array): void {
  const m = S.m;
  const N = m.N;
  const R = S.routes[r];
  const v = R.v;
  const k0 = j * m.V + r;
  best[k0] = Number.POSITIVE_INFINITY;
  if (R.loadW + m.weight[j] > m.vCapW[v] + 1e-9 || R.loadV + m.volume[j] > m.vCapV[v] + 1e-9) return;
  if (R.loadP + m.pallets[j] > m.vCapP[v] + 1e-9 || (m.jSkill[j] & ~m.vSkill[v]) !== 0) return;
  const c = m.costByClass[m.vClass[v]];
  const len = R.nodes.length;
  const fixed = len === 0 ? m.vFixed[v] : 0;
  let prev = R.start;
  for (let k = 0; k <= len; k++) {
    const next = k < len ? R.nodes[k] : R.end;
    const pn = prev * N;
    const delta = c[pn + j] + c[j * N + next] - c[pn + next] + fixed;
    if (delta < best[k0]) {
      let t = R.fwd[k] + m.service[prev] + m.vTime[v][pn + j];
      if (t < m.ready[j]) t = m.ready[j];
      if (
        t <= m.due[j] &&
        t + m.service[j] + m.vTime[v][j * N + next] <= R.bwd[k + 1] &&
        (!m.complex || simulateInsert(m, v, R.nodes, k + 1, j) === SIM_OK)
      ) {
        best[k0] = delta;
        bestPos[k0] = k + 1;
      }
    }
    prev = next;
  }
}
