/**
 * Held-Karp 1-tree lower bound on the shortest closed tour (Held & Karp 1970, "The traveling-
 * salesman problem and minimum spanning trees", Operations Research 18; 1971 Math. Programming 1),
 * with subgradient ascent on node penalties. Any penalty vector gives a valid bound, so the best
 * one seen is returned. Works on the shortest-path metric, whose optimal tour equals the optimal
 * picker tour in the aisle graph.
 */

function oneTree(d: Float64Array, n: number, pi: Float64Array, deg: Int32Array): number {
  // Prim over nodes 1..n-1 with penalised costs, then the two cheapest penalised edges of node 0.
  deg.fill(0);
  const inTree = new Uint8Array(n);
  const key = new Float64Array(n).fill(Infinity);
  const parent = new Int32Array(n).fill(-1);
  let total = 0;
  key[1] = 0;
  for (let it = 1; it < n; it++) {
    let u = -1;
    for (let v = 1; v < n; v++) if (!inTree[v] && (u < 0 || key[v] < key[u])) u = v;
    inTree[u] = 1;
    total += key[u];
    if (parent[u] >= 0) {
      deg[u]++;
      deg[parent[u]]++;
    }
    for (let v = 1; v < n; v++) {
      if (inTree[v]) continue;
      const c = d[u * n + v] + pi[u] + pi[v];
      if (c < key[v]) {
        key[v] = c;
        parent[v] = u;
      }
    }
  }
  let m1 = -1;
  let m2 = -1;
  for (let v = 1; v < n; v++) {
    const c = d[v] + pi[0] + pi[v];
    if (m1 < 0 || c < d[m1] + pi[0] + pi[m1]) {
      m2 = m1;
      m1 = v;
    } else if (m2 < 0 || c < d[m2] + pi[0] + pi[m2]) m2 = v;
  }
  total += d[m1] + pi[0] + pi[m1] + d[m2] + pi[0] + pi[m2];
  deg[0] = 2;
  deg[m1]++;
  deg[m2]++;
  let sumPi = 0;
  for (let v = 0; v < n; v++) sumPi += pi[v];
  return total - 2 * sumPi;
}

/** A lower bound (mm, rounded up: tours have integer length) on any tour through all n nodes. */
export function heldKarpBound(d: Float64Array, n: number, upperBoundMm: number, iterations = 300): number {
  if (n <= 1) return 0;
  if (n === 2) return 2 * d[1];
  const pi = new Float64Array(n);
  const deg = new Int32Array(n);
  let best = -Infinity;
  let lambda = 2;
  let sinceBest = 0;
  for (let it = 0; it < iterations; it++) {
    const w = oneTree(d, n, pi, deg);
    if (w > best + 1e-9) {
      best = w;
      sinceBest = 0;
    } else if (++sinceBest >= 15) {
      lambda /= 2;
      sinceBest = 0;
      if (lambda < 1e-4) break;
    }
    let norm = 0;
    for (let v = 0; v < n; v++) norm += (deg[v] - 2) ** 2;
    if (norm === 0) break; // the 1-tree is a tour: the bound is tight
    const step = (lambda * Math.max(upperBoundMm - w, 0)) / norm;
    if (step === 0) break;
    for (let v = 0; v < n; v++) pi[v] += step * (deg[v] - 2);
  }
  return Math.ceil(best - 1e-6);
}
