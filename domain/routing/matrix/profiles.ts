import { CachedMatrixProvider } from './cached.js';
import { GreatCircleMatrixProvider, type GreatCircleOptions } from './great-circle.js';
import { OsrmMatrixProvider } from './osrm.js';
import type { GeoPoint, MatrixProvider, TravelMatrix } from './provider.js';

/** How one vehicle profile travels: an OSRM profile name when a server is configured, else crow-flies speeds. */
export interface ProfileSpec {
  osrmProfile?: string;
  greatCircle?: GreatCircleOptions;
}

/**
 * Matrices per vehicle profile for a delivery day: OSRM `/table` with the profile's OSRM
 * profile when `osrmUrl` is set, otherwise great-circle × road factor at the profile's speeds.
 * Memoised per (day, profile, point list); asking for a new day drops all but the newest
 * `keepDays` days, so a day's re-solves and manual edits reuse its matrices and old days do
 * not pile up.
 */
export class ProfileMatrices {
  private readonly days = new Map<string, Map<string, Promise<TravelMatrix>>>();
  private readonly providers = new Map<string, MatrixProvider>();

  constructor(
    private readonly specs: Record<string, ProfileSpec>,
    private readonly o: { osrmUrl?: string; keepDays?: number; fetchFn?: typeof fetch } = {},
  ) {}

  private provider(profile: string): MatrixProvider {
    let p = this.providers.get(profile);
    if (!p) {
      const spec = this.specs[profile];
      if (!spec) throw new RangeError(`unknown vehicle profile ${profile}`);
      p = this.o.osrmUrl
        ? new OsrmMatrixProvider({ baseUrl: this.o.osrmUrl, profile: spec.osrmProfile ?? 'driving', fetchFn: this.o.fetchFn })
        : new GreatCircleMatrixProvider(spec.greatCircle);
      this.providers.set(profile, p);
    }
    return p;
  }

  /** The day's matrix of one profile over `points`. */
  matrix(day: string, profile: string, points: GeoPoint[]): Promise<TravelMatrix> {
    let cache = this.days.get(day);
    if (!cache) {
      cache = new Map();
      this.days.set(day, cache);
      const keep = this.o.keepDays ?? 2;
      while (this.days.size > keep) this.days.delete(this.days.keys().next().value as string);
    }
    const key = `${profile}|${CachedMatrixProvider.key(points)}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const pending = this.provider(profile).matrix(points);
    cache.set(key, pending);
    // A failed call must not poison the day's cache.
    pending.catch(() => cache.delete(key));
    return pending;
  }

  /** Every listed profile's matrix for the day, keyed by profile (the solver's `matrices`). */
  async forDay(day: string, points: GeoPoint[], profiles: Iterable<string>): Promise<Record<string, TravelMatrix>> {
    const out: Record<string, TravelMatrix> = {};
    for (const p of new Set(profiles)) out[p] = await this.matrix(day, p, points);
    return out;
  }

  /** Days currently cached (for tests and metrics). */
  get cachedDays(): string[] {
    return [...this.days.keys()];
  }
}
