/**
 * Tour improvement on a distance matrix: 2-opt (Croes 1958) and Or-opt (Or 1976: move a segment of
 * 1-3 stops, either orientation, elsewhere), iterated until neither improves, wrapped in an iterated
 * local search with double-bridge kicks (Martin, Otto & Felten 1991; Lourenço, Martin & Stützle 2003).
 * Node tour[0] never moves. Distances are integers (mm), so every delta is exact.
 */
import { tourLength } from './metric.js';
import { mulberry32 } from './rng.js';

const EPS = 1e-7;

function twoOptPass(d: Float64Array, n: number, t: number[]): boolean {
  const m = t.length;
  let improved = false;
  for (let i = 0; i < m - 2; i++) {
    const a = t[i];
    let b = t[i + 1];
    let dab = d[a * n + b];
    for (let j = i + 2; j < m; j++) {
      if (i === 0 && j === m - 1) continue;
      const c = t[j];
      const e = t[(j + 1) % m];
      const delta = d[a * n + c] + d[b * n + e] - dab - d[c * n + e];
      if (delta < -EPS) {
        for (let lo = i + 1, hi = j; lo < hi; lo++, hi--) {
          const tmp = t[lo];
          t[lo] = t[hi];
          t[hi] = tmp;
        }
        improved = true;
        b = t[i + 1];
        dab = d[a * n + b];
      }
    }
  }
  return improved;
}

function orOptPass(d: Float64Array, n: number, t: number[]): boolean {
  const m = t.length;
  for (let len = 1; len <= 3; len++) {
    for (let i = 1; i + len <= m; i++) {
      if (m - len < 2) return false;
      const s0 = t[i];
      const s1 = t[i + len - 1];
      const prev = t[i - 1];
      const next = t[(i + len) % m];
      const gain = d[prev * n + s0] + d[s1 * n + next] - d[prev * n + next];
      for (let j = 0; j < m; j++) {
        // Insert between t[j] and t[j+1]; both must lie outside the segment and not be the gap it leaves.
        if (j >= i - 1 && j <= i + len - 1) continue;
        const u = t[j];
        const v = t[(j + 1) % m];
        const fwd = d[u * n + s0] + d[s1 * n + v];
        const rev = d[u * n + s1] + d[s0 * n + v];
        const add = Math.min(fwd, rev) - d[u * n + v];
        if (add - gain < -EPS) {
          const seg = t.slice(i, i + len);
          if (rev < fwd) seg.reverse();
          const rest = [...t.slice(0, i), ...t.slice(i + len)];
          const at = rest.indexOf(u) + 1;
          rest.splice(at, 0, ...seg);
          for (let k = 0; k < m; k++) t[k] = rest[k];
          return true;
        }
      }
    }
  }
  return false;
}

/** Improves `tour` in place to a 2-opt + Or-opt local optimum; returns its length. */
export function localSearch(d: Float64Array, n: number, tour: number[]): number {
  if (tour.length >= 4) {
    for (;;) {
      if (twoOptPass(d, n, tour)) continue;
      if (orOptPass(d, n, tour)) continue;
      break;
    }
  }
  return tourLength(d, n, tour);
}

export interface IlsOptions {
  iterations: number;
  seed: number;
}

/** Iterated local search from `start`: returns a tour never longer than `start`, tour[0] kept first. */
export function iteratedLocalSearch(
  d: Float64Array,
  n: number,
  start: readonly number[],
  opts: IlsOptions,
): { tour: number[]; lengthMm: number } {
  let best = start.slice();
  let bestLen = localSearch(d, n, best);
  const m = best.length;
  if (m < 8) return { tour: best, lengthMm: bestLen };
  const rand = mulberry32(opts.seed);
  for (let it = 0; it < opts.iterations; it++) {
    // Double bridge on positions 1..m-1: A B C D -> A C B D keeps tour[0] and the closing edge.
    const cuts = new Set<number>();
    while (cuts.size < 3) cuts.add(1 + Math.floor(rand() * (m - 1)));
    const [p1, p2, p3] = [...cuts].sort((a, b) => a - b);
    const cand = [...best.slice(0, p1), ...best.slice(p2, p3), ...best.slice(p1, p2), ...best.slice(p3)];
    const len = localSearch(d, n, cand);
    if (len < bestLen - EPS) {
      best = cand;
      bestLen = len;
    }
  }
  return { tour: best, lengthMm: bestLen };
}
