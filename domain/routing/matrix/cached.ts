import type { GeoPoint, MatrixProvider, TravelMatrix } from './provider.js';

/**
 * Memoises another provider by the exact point list (order matters, coordinates to 1e-6°).
 * Least-recently-used eviction beyond `maxEntries`; concurrent requests for the same list share
 * one upstream call. Returned arrays are shared: callers must not mutate them.
 */
export class CachedMatrixProvider implements MatrixProvider {
  private readonly cache = new Map<string, Promise<TravelMatrix>>();

  constructor(
    private readonly inner: MatrixProvider,
    private readonly maxEntries = 64,
  ) {}

  static key(points: GeoPoint[]): string {
    return points.map((p) => `${p.lat.toFixed(6)},${p.lon.toFixed(6)},${p.area ?? ''}`).join(';');
  }

  matrix(points: GeoPoint[]): Promise<TravelMatrix> {
    const key = CachedMatrixProvider.key(points);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const pending = this.inner.matrix(points);
    this.cache.set(key, pending);
    // A failed call must not poison the cache.
    pending.catch(() => this.cache.delete(key));
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    return pending;
  }

  get size(): number {
    return this.cache.size;
  }
}
