import type { GraphPoint, WarehouseLayout } from './layout.js';

/**
 * Shortest travel distance (mm) between two points of the aisle/cross-aisle grid.
 * Same aisle: straight along it (aisles run through every cross aisle). Otherwise the walk must
 * leave p's subaisle through one of its exits, reach q's aisle along a cross aisle and enter q's
 * subaisle through one of q's exits; vertical travel between cross aisles can be done in either
 * aisle, so the cost is |dx| plus the best vertical detour over the (at most 2 x 2) exit pairs.
 */
export function distanceMm(layout: WarehouseLayout, p: GraphPoint, q: GraphPoint): number {
  if (p.aisle >= 0 && p.aisle === q.aisle) return Math.abs(p.yMm - q.yMm);
  const ys = layout.crossAislesYMm;
  let vertical = Infinity;
  for (const kp of p.exits) {
    for (const kq of q.exits) {
      const v = Math.abs(p.yMm - ys[kp]) + Math.abs(ys[kp] - ys[kq]) + Math.abs(ys[kq] - q.yMm);
      if (v < vertical) vertical = v;
    }
  }
  return Math.abs(p.xMm - q.xMm) + vertical;
}

/** Dense row-major n x n matrix of shortest distances between the given points. */
export function distanceMatrix(layout: WarehouseLayout, points: readonly GraphPoint[]): Float64Array {
  const n = points.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = distanceMm(layout, points[i], points[j]);
      m[i * n + j] = d;
      m[j * n + i] = d;
    }
  }
  return m;
}

/** Length of the closed tour `tour` (node indices) on an n x n matrix. */
export function tourLength(matrix: Float64Array, n: number, tour: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < tour.length; i++) sum += matrix[tour[i] * n + tour[(i + 1) % tour.length]];
  return sum;
}

/** Length of the open path `path` (node indices) on an n x n matrix. */
export function pathLength(matrix: Float64Array, n: number, path: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < path.length; i++) sum += matrix[path[i] * n + path[i + 1]];
  return sum;
}
