import type { AreaType, GeoPoint, MatrixProvider, TravelMatrix } from './provider.js';

const EARTH_RADIUS_M = 6_371_008.8; // IUGG mean radius

/** Haversine great-circle distance in metres (Sinnott 1984, "Virtues of the Haversine"). */
export function haversineM(a: GeoPoint, b: GeoPoint): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface GreatCircleOptions {
  /** Road distance / crow-flies distance; ~1.3 is typical for road networks (Boscoe et al. 2012). */
  roadFactor?: number;
  /** Average driving speed per area type, km/h. */
  speedKmh?: Record<AreaType, number>;
  /** Area assumed for points without one. */
  defaultArea?: AreaType;
}

const DEFAULT_SPEEDS: Record<AreaType, number> = { urban: 25, suburban: 45, rural: 70 };

/** Offline provider: great-circle distance × road factor, duration from the mean speed of both ends' areas. */
export class GreatCircleMatrixProvider implements MatrixProvider {
  private readonly roadFactor: number;
  private readonly speeds: Record<AreaType, number>;
  private readonly defaultArea: AreaType;

  constructor(o: GreatCircleOptions = {}) {
    this.roadFactor = o.roadFactor ?? 1.3;
    this.speeds = o.speedKmh ?? DEFAULT_SPEEDS;
    this.defaultArea = o.defaultArea ?? 'suburban';
  }

  /** Synchronous core of `matrix`, usable from pure code. */
  compute(points: GeoPoint[]): TravelMatrix {
    const n = points.length;
    const distanceM = new Float64Array(n * n);
    const durationS = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const si = this.speeds[points[i].area ?? this.defaultArea];
      for (let j = i + 1; j < n; j++) {
        const d = haversineM(points[i], points[j]) * this.roadFactor;
        const sj = this.speeds[points[j].area ?? this.defaultArea];
        // Harmonic mean of the two speeds: half the trip at each end's pace.
        const mps = (2 * si * sj) / (si + sj) / 3.6;
        const t = d / mps;
        distanceM[i * n + j] = distanceM[j * n + i] = d;
        durationS[i * n + j] = durationS[j * n + i] = t;
      }
    }
    return { n, distanceM, durationS };
  }

  matrix(points: GeoPoint[]): Promise<TravelMatrix> {
    return Promise.resolve(this.compute(points));
  }
}
