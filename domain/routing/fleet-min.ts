import type { Rng } from './prng.js';
import type { SolutionState } from './solution-state.js';

/**
 * Fleet minimisation of SISR (Christiaens & Vanden Berghe 2020, section 5): drop the smallest
 * route, forbid reopening it, and run ruin-and-recreate accepting a candidate when it leaves
 * fewer jobs unassigned or when the unassigned jobs have been absent less often (the absence
 * counters push the search to place the chronically hard jobs). Each time every job is placed,
 * the fleet is one route smaller and the next route is dropped.
 */
export interface FleetMinContext {
  rng: Rng;
  /** One ruin-and-recreate step: removes jobs, reinserts them plus the unassigned ones. */
  ruinRecreate: (onTouch: (r: number) => void, order: (jobs: number[]) => void) => void;
  /** True when the phase must end (time or iteration budget). */
  done: (iter: number) => boolean;
  /**
   * Called each time the fleet has shrunk with every job placed, S holding that plan: the
   * caller keeps it as its best at once, so a search cut off later in this phase still returns it.
   */
  onShrink?: () => void;
}

/** Shrinks the fleet of a complete solution in place; returns the iterations spent. S keeps the smallest complete fleet found. */
export function minimizeFleet(S: SolutionState, ctx: FleetMinContext): number {
  const J = S.m.J;
  const absence = new Float64Array(J);
  let best = S.snapshot();
  let iter = 0;
  const touchedAt = new Int32Array(S.routes.length).fill(-1);
  const saved: number[][] = new Array(S.routes.length);
  const touched: number[] = [];
  const onTouch = (r: number): void => {
    if (touchedAt[r] === iter) return;
    touchedAt[r] = iter;
    saved[r] = S.routes[r].nodes.slice();
    touched.push(r);
  };
  const byAbsence = (jobs: number[]): void => {
    jobs.sort((a, b) => absence[b] - absence[a]);
  };
  const absentSum = (jobs: number[]): number => jobs.reduce((s, j) => s + absence[j], 0);

  while (S.unassigned.length === 0 && S.usedRoutes > 1 && !ctx.done(iter)) {
    // Drop the route with the fewest jobs and cap the fleet below the current size.
    let smallest = -1;
    for (let r = 0; r < S.routes.length; r++) {
      const n = S.routes[r].nodes.length;
      if (n > 0 && (smallest < 0 || n < S.routes[smallest].nodes.length)) smallest = r;
    }
    S.maxRoutes = S.usedRoutes - 1;
    for (const j of S.routes[smallest].nodes) {
      S.routeOf[j] = -1;
      S.unassigned.push(j);
    }
    S.routes[smallest].nodes = [];
    S.update(smallest);
    while (S.unassigned.length > 0 && !ctx.done(iter)) {
      iter++;
      touched.length = 0;
      const prev = S.unassigned.slice();
      const prevSum = absentSum(prev);
      ctx.ruinRecreate(onTouch, byAbsence);
      const now = S.unassigned;
      if (now.length < prev.length || absentSum(now) < prevSum) {
        // accepted
      } else {
        for (const r of touched) {
          S.routes[r].nodes = saved[r];
          S.update(r);
        }
        for (const j of prev) S.routeOf[j] = -1;
        S.unassigned = prev;
      }
      for (const j of S.unassigned) absence[j]++;
    }
    if (S.unassigned.length === 0) {
      best = S.snapshot();
      ctx.onShrink?.();
    }
  }
  S.maxRoutes = Number.POSITIVE_INFINITY;
  S.restore(best);
  return iter;
}
