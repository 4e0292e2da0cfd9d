/**
 * Exhaustive optimum over all visit orders (depth-first over permutations, pruning a branch once
 * its partial length plus a triangle-inequality bound reaches the best complete tour). Exact but exponential: a reference for tests
 * and benchmarks on small instances (up to ~11 nodes), never used on the picking path.
 */

/** Shortest closed tour from node 0 through nodes 1..n-1 of an n x n matrix, by exhaustive search. */
export function bruteForceTour(matrix: Float64Array, n: number): { lengthMm: number; tour: number[] } {
  if (n <= 1) return { lengthMm: 0, tour: [0] };
  let best = Infinity;
  let bestTour: number[] = [];
  const path = [0];
  const used = new Uint8Array(n);
  used[0] = 1;
  const dfs = (last: number, len: number) => {
    if (len >= best) return;
    // Triangle inequality: the rest of the tour is at least last -> v -> depot for every unvisited v.
    let rest = 0;
    for (let v = 1; v < n; v++) {
      if (!used[v]) rest = Math.max(rest, matrix[last * n + v] + matrix[v * n]);
    }
    if (len + rest >= best) return;
    if (path.length === n) {
      const total = len + matrix[last * n];
      if (total < best) {
        best = total;
        bestTour = path.slice();
      }
      return;
    }
    for (let v = 1; v < n; v++) {
      if (used[v]) continue;
      used[v] = 1;
      path.push(v);
      dfs(v, len + matrix[last * n + v]);
      path.pop();
      used[v] = 0;
    }
  };
  dfs(0, 0);
  return { lengthMm: best, tour: bestTour };
}

/** Shortest open path from node 0 through all middle nodes to node n-1, by exhaustive search. */
export function bruteForcePath(matrix: Float64Array, n: number): { lengthMm: number; path: number[] } {
  if (n <= 2) return { lengthMm: n === 2 ? matrix[1] : 0, path: n === 2 ? [0, 1] : [0] };
  const end = n - 1;
  let best = Infinity;
  let bestPath: number[] = [];
  const path = [0];
  const used = new Uint8Array(n);
  used[0] = 1;
  used[end] = 1;
  const dfs = (last: number, len: number) => {
    if (len >= best) return;
    if (path.length === n - 1) {
      const total = len + matrix[last * n + end];
      if (total < best) {
        best = total;
        bestPath = [...path, end];
      }
      return;
    }
    for (let v = 1; v < end; v++) {
      if (used[v]) continue;
      used[v] = 1;
      path.push(v);
      dfs(v, len + matrix[last * n + v]);
      path.pop();
      used[v] = 0;
    }
  };
  dfs(0, 0);
  return { lengthMm: best, path: bestPath };
}
