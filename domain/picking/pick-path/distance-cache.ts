import { layoutHash, pointKey } from './layout.js';
import type { GraphPoint, WarehouseLayout } from './layout.js';
import { LruCache } from './lru.js';
import { distanceMatrix } from './metric.js';

interface LayoutEntry {
  /** Full geometry text: a hash hit is only trusted when the geometry matches too. */
  geometry: string;
  matrices: LruCache<string, Float64Array>;
}

/**
 * Distance matrices cached per layout: an LRU of layouts keyed by `layoutHash`, each holding an
 * LRU of matrices keyed by the ordered point list. The grid metric is closed-form (O(1) a pair),
 * so what the cache saves is rebuilding the same pick list's matrix when a batch is sequenced
 * again (retries, re-sequencing, supervisor previews); it stays small and bounded on purpose.
 */
export class DistanceCache {
  private readonly layouts: LruCache<string, LayoutEntry>;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxLayouts = 8,
    private readonly maxMatricesPerLayout = 32,
  ) {
    this.layouts = new LruCache(maxLayouts);
  }

  /** The matrix between `points` (in the given order) on `layout`, from cache when seen before. */
  matrix(layout: WarehouseLayout, points: readonly GraphPoint[]): Float64Array {
    const hash = layoutHash(layout);
    const geometry = `${layout.aislesXMm.join(',')}|${layout.crossAislesYMm.join(',')}`;
    let entry = this.layouts.get(hash);
    if (!entry || entry.geometry !== geometry) {
      entry = { geometry, matrices: new LruCache(this.maxMatricesPerLayout) };
      this.layouts.set(hash, entry);
    }
    const key = points.map(pointKey).join(';');
    const cached = entry.matrices.get(key);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const m = distanceMatrix(layout, points);
    entry.matrices.set(key, m);
    return m;
  }
}

/** Process-wide default cache used when the caller passes none. */
export const defaultDistanceCache = new DistanceCache();
