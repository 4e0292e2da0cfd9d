import type { GeoPoint, MatrixProvider, TravelMatrix } from './provider.js';

export interface OsrmOptions {
  /** e.g. http://localhost:5000 */
  baseUrl: string;
  profile?: string;
  timeoutMs?: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetchFn?: typeof fetch;
}

/**
 * Road matrices from an OSRM server's table service
 * (GET /table/v1/{profile}/{lon,lat;...}?annotations=distance,duration, see
 * https://project-osrm.org/docs/v5.24.0/api/#table-service). Unreachable pairs become Infinity.
 */
export class OsrmMatrixProvider implements MatrixProvider {
  constructor(private readonly o: OsrmOptions) {}

  async matrix(points: GeoPoint[]): Promise<TravelMatrix> {
    const n = points.length;
    if (n === 0) return { n, distanceM: new Float64Array(0), durationS: new Float64Array(0) };
    const coords = points.map((p) => `${p.lon.toFixed(6)},${p.lat.toFixed(6)}`).join(';');
    const url = `${this.o.baseUrl.replace(/\/$/, '')}/table/v1/${this.o.profile ?? 'driving'}/${coords}?annotations=distance,duration`;
    const res = await (this.o.fetchFn ?? fetch)(url, { signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000) });
    if (!res.ok) throw new Error(`OSRM table failed: HTTP ${res.status}`);
    const body = (await res.json()) as {
      code?: string;
      message?: string;
      distances?: (number | null)[][];
      durations?: (number | null)[][];
    };
    if (body.code !== 'Ok' || !body.distances || !body.durations)
      throw new Error(`OSRM table failed: ${body.code ?? 'no code'} ${body.message ?? ''}`.trim());
    const distanceM = new Float64Array(n * n);
    const durationS = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = body.distances[i]?.[j];
        const t = body.durations[i]?.[j];
        distanceM[i * n + j] = d == null ? Number.POSITIVE_INFINITY : d;
        durationS[i * n + j] = t == null ? Number.POSITIVE_INFINITY : t;
      }
    }
    return { n, distanceM, durationS };
  }
}
