/**
 * Broken-pairs distance between two solutions (Prins 2009; the diversity measure of HGS, Vidal
 * et al. 2012, section 4.4, and Vidal 2022, section 3): the share of jobs whose successor in one
 * solution is neither their successor nor their predecessor in the other (routes are undirected
 * for a symmetric cost), plus the jobs that start a route in one and sit inside a route in the
 * other. 0 for the same routes, up to about 1.
 */

/** Successor and predecessor of each job in the solution's routes; -1 stands for the depot. */
export interface Links {
  succ: Int32Array;
  pred: Int32Array;
}

export function linksOf(routes: number[][], jobs: number): Links {
  const succ = new Int32Array(jobs).fill(-1);
  const pred = new Int32Array(jobs).fill(-1);
  for (const r of routes) {
    for (let k = 0; k < r.length; k++) {
      succ[r[k]] = k + 1 < r.length ? r[k + 1] : -1;
      pred[r[k]] = k > 0 ? r[k - 1] : -1;
    }
  }
  return { succ, pred };
}

export function brokenPairsDistance(a: Links, b: Links): number {
  const n = a.succ.length;
  if (n === 0) return 0;
  let diff = 0;
  for (let j = 0; j < n; j++) {
    if (a.succ[j] !== b.succ[j] && a.succ[j] !== b.pred[j]) diff++;
    if (a.pred[j] === -1 && b.pred[j] !== -1 && b.succ[j] !== -1) diff++;
  }
  return diff / n;
}
