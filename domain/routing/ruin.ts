import type { Model } from './model.js';
import type { Rng } from './prng.js';
import type { SolutionState } from './solution-state.js';

/**
 * SISR ruin (Christiaens & Vanden Berghe 2020, section 4.1): remove strings (or split strings)
 * from a few routes near a random seed job, so that the removed jobs are spatially related and
 * the routes they left gain slack.
 */
export interface RuinParams {
  /** Average number of removed jobs, c̄ in the paper (10). */
  avgRemoved: number;
  /** Maximum string cardinality, L^max (10). */
  maxStringLen: number;
  /** Probability of stopping to grow the preserved part of a split string, α (0.01). */
  splitRate: number;
}

/** Removes jobs from S (caches of touched routes are rebuilt) and returns them; `onTouch` is called before a route changes. */
export function ruin(S: SolutionState, p: RuinParams, rng: Rng, onTouch: (r: number) => void, removed: number[]): number[] {
  const m: Model = S.m;
  removed.length = 0;
  let used = 0;
  let assigned = 0;
  for (const R of S.routes) {
    if (R.nodes.length > 0) {
      used++;
      assigned += R.nodes.length;
    }
  }
  if (assigned === 0) return removed;
  const avgCard = assigned / used;
  const lsMax = Math.min(p.maxStringLen, avgCard);
  const ksMax = (4 * p.avgRemoved) / (1 + lsMax) - 1;
  const ks = Math.floor(rng.next() * ksMax) + 1;

  let seed = rng.int(m.J);
  let guard = 0;
  while (S.routeOf[seed] < 0 && guard++ < 4 * m.J) seed = rng.int(m.J);
  if (S.routeOf[seed] < 0) return removed;

  const ruined: number[] = [];
  for (let idx = -1; idx < m.K && ruined.length < ks; idx++) {
    const c = idx < 0 ? seed : m.neighbours[seed * m.K + idx];
    const r = S.routeOf[c];
    if (r < 0 || ruined.includes(r)) continue;
    const R = S.routes[r];
    const len = R.nodes.length;
    const lMax = Math.min(len, lsMax);
    const l = Math.floor(rng.next() * lMax) + 1;
    const pos = S.posOf[c] - 1;
    onTouch(r);
    ruined.push(r);
    if (l >= len || rng.next() < 0.5 || l + 1 >= len) {
      removeString(S, r, pos, l, rng, removed);
    } else {
      removeSplitString(S, r, pos, l, p.splitRate, rng, removed);
    }
  }
  if (m.hasPairs) {
    // A pair leaves together: its partner is taken out of whatever route holds it.
    const n = removed.length;
    for (let i = 0; i < n; i++) {
      const q = m.partner[removed[i]];
      if (q < 0 || S.routeOf[q] < 0) continue;
      const r = S.routeOf[q];
      if (!ruined.includes(r)) {
        onTouch(r);
        ruined.push(r);
      }
      const nodes = S.routes[r].nodes;
      nodes.splice(nodes.indexOf(q), 1);
      S.routeOf[q] = -1;
      removed.push(q);
    }
  }
  for (const r of ruined) S.update(r);
  return removed;
}

function removeString(S: SolutionState, r: number, pos: number, l: number, rng: Rng, removed: number[]): void {
  const nodes = S.routes[r].nodes;
  const len = nodes.length;
  // The string of length l contains pos: its first index is uniform among the feasible starts.
  const lo = Math.max(0, pos - l + 1);
  const hi = Math.min(pos, len - l);
  const first = lo + rng.int(hi - lo + 1);
  const out = nodes.splice(first, l);
  for (const j of out) {
    S.routeOf[j] = -1;
    removed.push(j);
  }
}

function removeSplitString(S: SolutionState, r: number, pos: number, l: number, alpha: number, rng: Rng, removed: number[]): void {
  const nodes = S.routes[r].nodes;
  const len = nodes.length;
  let kept = 1;
  while (l + kept < len && rng.next() > alpha) kept++;
  const span = l + kept;
  const lo = Math.max(0, pos - span + 1);
  const hi = Math.min(pos, len - span);
  const first = lo + rng.int(hi - lo + 1);
  const keepFrom = first + rng.int(span - kept + 1);
  const keepTo = keepFrom + kept;
  const out: number[] = [];
  const rest: number[] = [];
  for (let i = first; i < first + span; i++) {
    if (i >= keepFrom && i < keepTo) rest.push(nodes[i]);
    else out.push(nodes[i]);
  }
  nodes.splice(first, span, ...rest);
  for (const j of out) {
    S.routeOf[j] = -1;
    removed.push(j);
  }
}
