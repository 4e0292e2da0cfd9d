import { exactRoute } from './exact-small.js';
import { depotPoint, pickPoint, pointKey, validateLayout } from './layout.js';
import type { DepotLocation, GraphPoint, PickLocation, WarehouseLayout } from './layout.js';
import { iteratedLocalSearch } from './local-search.js';
import { distanceMatrix, pathLength } from './metric.js';

/** A pick route being walked: the first `pickedCount` entries of `order` are already picked. */
export interface RouteInProgress {
  layout: WarehouseLayout;
  depot: DepotLocation;
  picks: readonly PickLocation[];
  order: readonly number[];
  pickedCount: number;
  /** Where the picker stands; defaults to the last picked stop, or the depot before the first pick. */
  position?: PickLocation | DepotLocation;
}

export interface ResequenceOptions {
  seed?: number;
  ilsIterations?: number;
  /** Remainders with at most this many distinct stops are re-sequenced exactly. Default 11. */
  exactMaxStops?: number;
}

export interface ResequenceResult {
  /** The old picks followed by the inserted ones; `order` indexes this list. */
  picks: PickLocation[];
  /** The picked prefix unchanged, then the new sequence of every pick still to do. */
  order: number[];
  /** Length of the remaining walk: position -> remaining picks -> depot. */
  remainingLengthMm: number;
  method: 'optimal-exact' | 'heuristic';
}

const BIG = 1e13;

function isPick(p: PickLocation | DepotLocation): p is PickLocation {
  return 'aisle' in p;
}

/**
 * Re-sequences a route when picks are inserted mid-batch: keeps the picked prefix and finds a short
 * open path from the picker's position through every remaining and inserted pick back to the depot
 * (exact subset DP for short remainders; else the old order with cheapest insertion of the new
 * picks, improved by 2-opt/Or-opt iterated local search with both ends pinned).
 */
export function resequence(current: RouteInProgress, inserted: readonly PickLocation[], opts: ResequenceOptions = {}): ResequenceResult {
  const { layout, depot } = current;
  validateLayout(layout);
  if (current.pickedCount < 0 || current.pickedCount > current.order.length) throw new RangeError('pickedCount outside the route');
  const picks = [...current.picks, ...inserted];
  const done = current.order.slice(0, current.pickedCount);
  const doneSet = new Set(done);
  const remaining = [
    ...current.order.slice(current.pickedCount),
    ...current.picks.map((_, i) => i).filter((i) => !doneSet.has(i) && !current.order.includes(i)),
    ...inserted.map((_, j) => current.picks.length + j),
  ];
  const startLoc = current.position ?? (done.length > 0 ? current.picks[done[done.length - 1]] : depot);
  const start = isPick(startLoc) ? pickPoint(layout, startLoc) : depotPoint(layout, startLoc);

  // Nodes: 0 = picker, 1..k = distinct remaining stops (first-seen order = old order, then inserted), k+1 = depot.
  const points: GraphPoint[] = [start];
  const picksAt: number[][] = [[]];
  const byKey = new Map<string, number>();
  for (const i of remaining) {
    const p = pickPoint(layout, picks[i]);
    const key = pointKey(p);
    const at = byKey.get(key);
    if (at !== undefined) picksAt[at].push(i);
    else {
      byKey.set(key, points.length);
      points.push(p);
      picksAt.push([i]);
    }
  }
  const end = points.length;
  points.push(depotPoint(layout, depot));
  picksAt.push([]);
  const n = points.length;
  const d = distanceMatrix(layout, points);

  let nodeOrder: number[];
  let method: ResequenceResult['method'];
  if (end - 1 <= (opts.exactMaxStops ?? 11)) {
    nodeOrder = exactRoute(d, n, end).order;
    method = 'optimal-exact';
  } else {
    nodeOrder = initialPath(d, n, end, current.picks.length, picksAt);
    // Pin the ends: a hugely negative closing edge depot -> picker is never given up by an improving move.
    const pinned = d.slice();
    pinned[end * n] = -BIG;
    pinned[end] = -BIG;
    const r = iteratedLocalSearch(pinned, n, [0, ...nodeOrder], { iterations: opts.ilsIterations ?? 50, seed: opts.seed ?? 1 });
    // The pinned edge can end up on either side of the picker: read the cycle so the depot comes last.
    nodeOrder = r.tour[1] === end ? r.tour.slice(1).reverse() : r.tour.slice(1);
    method = 'heuristic';
  }
  const stops = nodeOrder.filter((v) => v !== end);
  const order = [...done, ...stops.flatMap((v) => picksAt[v])];
  return { picks, order, remainingLengthMm: pathLength(d, n, [0, ...stops, end]), method };
}

/** The old remaining stops in their old order, then each inserted stop at its cheapest position. */
function initialPath(d: Float64Array, n: number, end: number, oldCount: number, picksAt: number[][]): number[] {
  const path: number[] = [];
  const fresh: number[] = [];
  for (let v = 1; v < end; v++) (picksAt[v].some((i) => i < oldCount) ? path : fresh).push(v);
  path.push(end);
  for (const v of fresh) {
    let bestAt = 0;
    let bestAdd = Infinity;
    for (let i = 0; i < path.length; i++) {
      const u = i === 0 ? 0 : path[i - 1];
      const w = path[i];
      const add = d[u * n + v] + d[v * n + w] - d[u * n + w];
      if (add < bestAdd) {
        bestAdd = add;
        bestAt = i;
      }
    }
    path.splice(bestAt, 0, v);
  }
  return path;
}
