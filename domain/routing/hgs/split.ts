/**
 * Split: cuts a giant tour (every job once, no depot) into capacity-feasible routes of least
 * total cost, an optimal shortest path over the tour's cut points. Linear-time version for a hard
 * capacity and an unlimited homogeneous fleet (Vidal 2016, "Split algorithm in O(n) for the
 * capacitated vehicle routing problem", Computers & Operations Research 69:40–47, section 3):
 * the cost of a route over tour positions i+1..j is key(i) + D[j] + c(t_j, depot), where
 * key(i) = p[i] + c(depot, t_{i+1}) − D[i+1] and D holds the prefix costs along the tour, so
 * the best predecessor of j is the least key among the i whose load to j fits: a sliding-window
 * minimum, kept in a monotone deque.
 */

export interface SplitInput {
  /** Number of nodes per row of `cost`. */
  N: number;
  /** Row-major N×N arc costs. */
  cost: Float64Array;
  depot: number;
  /** Per-route fixed cost. */
  fixed: number;
  /** Load dimensions (per job) and the capacity in each. */
  loads: Float64Array[];
  caps: number[];
}

export interface SplitResult {
  /** Total cost (arcs plus fixed costs) of the routes. */
  cost: number;
  routes: number[][];
}

/**
 * Optimal split of `tour` under hard capacities; returns null when a single job exceeds a
 * capacity (no feasible split exists). Scratch arrays are reused across calls.
 */
export class Splitter {
  private p = new Float64Array(0);
  private pred = new Int32Array(0);
  private D = new Float64Array(0);
  private L: Float64Array[] = [];
  private dq = new Int32Array(0);

  constructor(private readonly s: SplitInput) {}

  split(tour: ArrayLike<number>): SplitResult | null {
    const { N, cost: c, depot, fixed, loads, caps } = this.s;
    const n = tour.length;
    if (this.p.length < n + 2) {
      this.p = new Float64Array(n + 2);
      this.pred = new Int32Array(n + 2);
      this.D = new Float64Array(n + 2);
      this.L = loads.map(() => new Float64Array(n + 2));
      this.dq = new Int32Array(n + 2);
    }
    const { p, pred, D, L, dq } = this;
    // D[k]: cost of the path t_1 → … → t_k; L[d][k]: load of t_1..t_k in dimension d.
    D[0] = 0;
    D[1] = 0;
    for (let k = 2; k <= n; k++) D[k] = D[k - 1] + c[tour[k - 2] * N + tour[k - 1]];
    for (let d = 0; d < loads.length; d++) {
      const Ld = L[d];
      Ld[0] = 0;
      for (let k = 1; k <= n; k++) {
        const q = loads[d][tour[k - 1]];
        if (q > caps[d] + 1e-9) return null;
        Ld[k] = Ld[k - 1] + q;
      }
    }
    const key = (i: number): number => p[i] + c[depot * N + tour[i]] - D[i + 1];
    const fits = (i: number, j: number): boolean => {
      for (let d = 0; d < L.length; d++) if (L[d][j] - L[d][i] > caps[d] + 1e-9) return false;
      return true;
    };
    p[0] = 0;
    let head = 0;
    let tail = 0;
    dq[tail++] = 0;
    for (let j = 1; j <= n; j++) {
      // Drop predecessors whose route to j would overload: they cannot serve any later j either.
      while (!fits(dq[head], j)) head++;
      const i = dq[head];
      p[j] = key(i) + D[j] + c[tour[j - 1] * N + depot] + fixed;
      pred[j] = i;
      if (j < n) {
        const kj = key(j);
        // j stays feasible at least as long as any earlier i: an earlier i with a key no smaller is dominated.
        while (tail > head && key(dq[tail - 1]) >= kj) tail--;
        dq[tail++] = j;
      }
    }
    const routes: number[][] = [];
    for (let j = n; j > 0; j = pred[j]) {
      const r: number[] = [];
      for (let k = pred[j] + 1; k <= j; k++) r.push(tour[k - 1]);
      routes.push(r);
    }
    routes.reverse();
    return { cost: p[n], routes };
  }
}

/** Least cost split by the quadratic Bellman recursion (Prins 2004), the reference the tests compare with. */
export function splitBellman(s: SplitInput, tour: ArrayLike<number>): number {
  const { N, cost: c, depot, fixed, loads, caps } = s;
  const n = tour.length;
  const p = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  p[0] = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(p[i])) continue;
    const load = loads.map(() => 0);
    let arcs = 0;
    for (let j = i + 1; j <= n; j++) {
      const x = tour[j - 1];
      let ok = true;
      for (let d = 0; d < loads.length; d++) {
        load[d] += loads[d][x];
        if (load[d] > caps[d] + 1e-9) ok = false;
      }
      if (!ok) break;
      arcs += j === i + 1 ? c[depot * N + x] : c[tour[j - 2] * N + x];
      const v = p[i] + arcs + c[x * N + depot] + fixed;
      if (v < p[j]) p[j] = v;
    }
  }
  return p[n];
}
