/**
 * Exact shortest tour / path over a handful of nodes by the Bellman-Held-Karp subset dynamic
 * program (Bellman 1962; Held & Karp 1962): O(2^n n^2), used for up to ~12 stops on layouts the
 * Ratliff-Rosenthal DP does not cover (several blocks) and for re-sequencing a short remainder.
 */

/**
 * Shortest route from node 0 through all nodes 1..n-1: back to 0 when `end` is undefined, else
 * ending at node `end`. Returns the visit order of nodes 1..n-1 and the length.
 */
export function exactRoute(d: Float64Array, n: number, end?: number): { order: number[]; lengthMm: number } {
  if (n <= 1) return { order: [], lengthMm: 0 };
  const k = n - 1; // nodes 1..n-1 are bits 0..k-1
  if (k > 16) throw new RangeError('exactRoute is exponential: at most 17 nodes');
  const full = (1 << k) - 1;
  const dp = new Float64Array((1 << k) * k).fill(Infinity);
  const parent = new Int8Array((1 << k) * k).fill(-1);
  for (let j = 0; j < k; j++) dp[(1 << j) * k + j] = d[j + 1];
  for (let mask = 1; mask <= full; mask++) {
    for (let j = 0; j < k; j++) {
      const cur = dp[mask * k + j];
      if (cur === Infinity || !(mask & (1 << j))) continue;
      for (let v = 0; v < k; v++) {
        if (mask & (1 << v)) continue;
        const nm = mask | (1 << v);
        const c = cur + d[(j + 1) * n + v + 1];
        if (c < dp[nm * k + v]) {
          dp[nm * k + v] = c;
          parent[nm * k + v] = j;
        }
      }
    }
  }
  let last = -1;
  let best = Infinity;
  for (let j = 0; j < k; j++) {
    if (end !== undefined && j !== end - 1) continue;
    const c = dp[full * k + j] + (end === undefined ? d[(j + 1) * n] : 0);
    if (c < best) {
      best = c;
      last = j;
    }
  }
  const order: number[] = [];
  let mask = full;
  while (last >= 0) {
    order.push(last + 1);
    const p = parent[mask * k + last];
    mask &= ~(1 << last);
    last = p;
  }
  order.reverse();
  return { order, lengthMm: best };
}
