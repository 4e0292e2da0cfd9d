import type { Rng } from '../prng.js';

/**
 * Ordered crossover, OX (Oliver, Smith & Holland 1987, "A study of permutation crossover
 * operators on the traveling salesman problem"; the crossover of HGS, Vidal et al. 2012, "A
 * hybrid genetic algorithm for multidepot and periodic vehicle routing problems", Operations
 * Research 60(3), section 4.3, and Vidal 2022, section 3): the child keeps parent A's giant tour
 * from position `start` to `end` (inclusive, cyclically), then takes the remaining jobs in
 * parent B's order, starting after `end` and wrapping around.
 */
export function orderedCrossover(a: Int32Array, b: Int32Array, start: number, end: number, child: Int32Array, seen: Uint8Array): void {
  const n = a.length;
  seen.fill(0, 0, n);
  let k = start;
  for (;;) {
    child[k] = a[k];
    seen[a[k]] = 1;
    if (k === end) break;
    k = k + 1 === n ? 0 : k + 1;
  }
  let w = end + 1 === n ? 0 : end + 1;
  for (let i = 1; i <= n; i++) {
    const x = b[(end + i) % n];
    if (seen[x]) continue;
    child[w] = x;
    w = w + 1 === n ? 0 : w + 1;
  }
}

/** OX with cut points drawn as HGS draws them (two distinct positions). */
export function randomOrderedCrossover(a: Int32Array, b: Int32Array, rng: Rng, child: Int32Array, seen: Uint8Array): void {
  const n = a.length;
  if (n < 2) {
    child.set(a);
    return;
  }
  const start = rng.int(n);
  let end = rng.int(n);
  while (end === start) end = rng.int(n);
  orderedCrossover(a, b, start, end, child, seen);
}
