import { defaultDistanceCache } from './distance-cache.js';
import type { DistanceCache } from './distance-cache.js';
import { exactRoute } from './exact-small.js';
import { blockCount, depotPoint, pickPoint, pointKey, validateLayout } from './layout.js';
import type { DepotLocation, GraphPoint, PickLocation, WarehouseLayout } from './layout.js';
import { iteratedLocalSearch } from './local-search.js';
import { heldKarpBound } from './lower-bound.js';
import { tourLength } from './metric.js';
import { optimalSingleBlockTour } from './ratliff-rosenthal.js';
import { heuristicsFor } from './routing-heuristics.js';

export type SequenceMethod = 'optimal-dp' | 'optimal-exact' | 'heuristic';

export interface SequenceOptions {
  /** Seed of the iterated local search (multi-block heuristic). Default 1. */
  seed?: number;
  /** Double-bridge kicks of the iterated local search. Default 50. */
  ilsIterations?: number;
  /** Multi-block lists with at most this many distinct stops are solved exactly (subset DP). Default 12. */
  exactMaxStops?: number;
  /** 'heuristic' forces the multi-block heuristic even where an exact method applies (benchmarks). */
  method?: 'auto' | 'heuristic';
  /** Compute the Held-Karp lower bound for heuristic results. Default true. */
  lowerBound?: boolean;
  cache?: DistanceCache;
}

export interface SequenceResult {
  /** Indices into `picks` in visit order; picks at the same location are adjacent. */
  order: number[];
  /** Tour length depot -> picks -> depot along the shortest paths of the aisle graph. */
  lengthMm: number;
  method: SequenceMethod;
  /** A proven lower bound on the optimal tour (equal to lengthMm for optimal methods). */
  lowerBoundMm?: number;
  /** Heuristic results: the construction the local search started from, and its length. */
  construction?: { name: string; lengthMm: number };
}

/** Depot (node 0) plus one node per distinct pick location, with the picks each node stands for. */
export interface StopSet {
  points: GraphPoint[];
  picksAt: number[][];
}

/** Merges picks at the same place into stops; node 0 is the depot. */
export function buildStops(layout: WarehouseLayout, picks: readonly PickLocation[], depot: DepotLocation): StopSet {
  const points: GraphPoint[] = [depotPoint(layout, depot)];
  const picksAt: number[][] = [[]];
  const byKey = new Map<string, number>();
  picks.forEach((pick, i) => {
    const p = pickPoint(layout, pick);
    const k = pointKey(p);
    const at = byKey.get(k);
    if (at !== undefined) picksAt[at].push(i);
    else {
      byKey.set(k, points.length);
      points.push(p);
      picksAt.push([i]);
    }
  });
  return { points, picksAt };
}

function expand(stops: StopSet, nodeOrder: readonly number[]): number[] {
  return nodeOrder.flatMap((node) => (node === 0 ? [] : stops.picksAt[node]));
}

/**
 * Sequences a pick list on the layout: the optimal tour (Ratliff-Rosenthal DP) on single-block
 * layouts; on multi-block layouts the exact subset DP for short lists, else the best classic
 * construction improved by 2-opt/Or-opt iterated local search, with a Held-Karp lower bound.
 * Pure and deterministic for a given seed.
 */
export function sequencePicks(
  layout: WarehouseLayout,
  picks: readonly PickLocation[],
  depot: DepotLocation,
  opts: SequenceOptions = {},
): SequenceResult {
  validateLayout(layout);
  const stops = buildStops(layout, picks, depot);
  const n = stops.points.length;
  if (n === 1) return { order: expand(stops, [0]), lengthMm: 0, method: 'optimal-dp', lowerBoundMm: 0 };
  const forceHeuristic = opts.method === 'heuristic';
  if (blockCount(layout) === 1 && !forceHeuristic) {
    const r = optimalSingleBlockTour(layout, stops.points);
    return { order: expand(stops, r.order), lengthMm: r.lengthMm, method: 'optimal-dp', lowerBoundMm: r.lengthMm };
  }
  const d = (opts.cache ?? defaultDistanceCache).matrix(layout, stops.points);
  if (!forceHeuristic && n - 1 <= (opts.exactMaxStops ?? 12)) {
    const r = exactRoute(d, n);
    return { order: expand(stops, r.order), lengthMm: r.lengthMm, method: 'optimal-exact', lowerBoundMm: r.lengthMm };
  }
  return heuristicTour(layout, stops, d, opts);
}

function heuristicTour(layout: WarehouseLayout, stops: StopSet, d: Float64Array, opts: SequenceOptions): SequenceResult {
  const n = stops.points.length;
  const stopPoints = stops.points.slice(1);
  // Constructions run on stops (pick index i is node i + 1); the best one by shortest-path length seeds the search.
  let bestName = '';
  let bestTour: number[] = [];
  let bestLen = Infinity;
  for (const [name, h] of Object.entries(heuristicsFor(layout))) {
    const route = h(layout, stops.points[0], stopPoints);
    const tour = [0, ...route.order.map((i) => i + 1)];
    const len = tourLength(d, n, tour);
    if (len < bestLen) {
      bestLen = len;
      bestTour = tour;
      bestName = name;
    }
  }
  const improved = iteratedLocalSearch(d, n, bestTour, { iterations: opts.ilsIterations ?? 50, seed: opts.seed ?? 1 });
  const result: SequenceResult = {
    order: expand(stops, improved.tour),
    lengthMm: improved.lengthMm,
    method: 'heuristic',
    construction: { name: bestName, lengthMm: bestLen },
  };
  if (opts.lowerBound !== false) result.lowerBoundMm = Math.min(heldKarpBound(d, n, improved.lengthMm), improved.lengthMm);
  return result;
}
