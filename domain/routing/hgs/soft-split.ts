/**
 * Split under a penalised capacity: cuts a giant tour into routes of least total cost, each
 * route's load over the capacity priced at `penalty` per unit, by Bellman's recursion over the
 * tour's cut points (Prins 2004, "A simple and effective evolutionary algorithm for the vehicle
 * routing problem", Computers & Operations Research 31(12)); HGS-CVRP splits thus under its
 * current capacity penalty and bounds a route's load to 1.5 capacities (Vidal 2022, section 3.1;
 * Vidal 2016, "Split algorithm in O(n) for the capacitated vehicle routing problem", section 4
 * for the soft-capacity case). O(n · jobs per route).
 *
 * With `maxRoutes`, the split of a limited fleet: the same recursion by layers, layer k holding
 * the cheapest cuts into exactly k routes (Vidal 2016, section 5, "Split with a limited fleet";
 * HGS-CVRP's splitLF). O(maxRoutes · n · jobs per route).
 */

export interface SoftSplitInput {
  N: number;
  cost: Float64Array;
  depot: number;
  fixed: number;
  demand: Float64Array;
  cap: number;
}

export class SoftSplitter {
  private p = new Float64Array(0);
  private pred = new Int32Array(0);
  private lp = new Float64Array(0);
  private lpred = new Int32Array(0);

  constructor(private readonly s: SoftSplitInput) {}

  split(tour: ArrayLike<number>, penalty: number, maxRoutes = Number.POSITIVE_INFINITY): number[][] {
    if (maxRoutes < tour.length) {
      const limited = this.splitLimited(tour, penalty, maxRoutes);
      if (limited) return limited;
    }
    const { N, cost: c, depot, fixed, demand, cap } = this.s;
    const n = tour.length;
    if (this.p.length < n + 1) {
      this.p = new Float64Array(n + 1);
      this.pred = new Int32Array(n + 1);
    }
    const { p, pred } = this;
    p.fill(Number.POSITIVE_INFINITY, 0, n + 1);
    p[0] = 0;
    const bound = 1.5 * cap;
    for (let i = 0; i < n; i++) {
      if (!(p[i] < Number.POSITIVE_INFINITY)) continue;
      let load = 0;
      let arcs = 0;
      for (let j = i + 1; j <= n; j++) {
        const x = tour[j - 1];
        load += demand[x];
        // At least one job per route, whatever its demand.
        if (load > bound && j > i + 1) break;
        arcs += j === i + 1 ? c[depot * N + x] : c[tour[j - 2] * N + x];
        const v = p[i] + arcs + c[x * N + depot] + fixed + (load > cap ? (load - cap) * penalty : 0);
        if (v < p[j]) {
          p[j] = v;
          pred[j] = i;
        }
      }
    }
    const routes: number[][] = [];
    for (let j = n; j > 0; j = pred[j]) {
      const r: number[] = [];
      for (let k = pred[j] + 1; k <= j; k++) r.push(tour[k - 1]);
      routes.push(r);
    }
    routes.reverse();
    return routes;
  }

  /** Split into at most `maxRoutes` routes (null when the load bound allows none). */
  private splitLimited(tour: ArrayLike<number>, penalty: number, maxRoutes: number): number[][] | null {
    const { N, cost: c, depot, fixed, demand, cap } = this.s;
    const n = tour.length;
    const K = Math.max(1, Math.floor(maxRoutes));
    const W = n + 1;
    if (this.lp.length < (K + 1) * W) {
      this.lp = new Float64Array((K + 1) * W);
      this.lpred = new Int32Array((K + 1) * W);
    }
    const { lp, lpred } = this;
    lp.fill(Number.POSITIVE_INFINITY, 0, (K + 1) * W);
    lp[0] = 0;
    const bound = 1.5 * cap;
    for (let k = 0; k < K; k++) {
      const o = k * W;
      for (let i = k; i < n; i++) {
        const base = lp[o + i];
        if (!(base < Number.POSITIVE_INFINITY)) continue;
        let load = 0;
        let arcs = 0;
        for (let j = i + 1; j <= n; j++) {
          const x = tour[j - 1];
          load += demand[x];
          if (load > bound && j > i + 1) break;
          arcs += j === i + 1 ? c[depot * N + x] : c[tour[j - 2] * N + x];
          const v = base + arcs + c[x * N + depot] + fixed + (load > cap ? (load - cap) * penalty : 0);
          if (v < lp[o + W + j]) {
            lp[o + W + j] = v;
            lpred[o + W + j] = i;
          }
        }
      }
    }
    let bestK = -1;
    for (let k = 1; k <= K; k++) if (lp[k * W + n] < (bestK < 0 ? Number.POSITIVE_INFINITY : lp[bestK * W + n])) bestK = k;
    if (bestK < 0) return null;
    const routes: number[][] = [];
    for (let k = bestK, j = n; k > 0; k--) {
      const i = lpred[k * W + j];
      const r: number[] = [];
      for (let t = i + 1; t <= j; t++) r.push(tour[t - 1]);
      routes.push(r);
      j = i;
    }
    routes.reverse();
    return routes;
  }
}
