import { haversineM } from '../routing/matrix/great-circle.js';

/**
 * Pure live-ETA rules: from a vehicle's last position and the current time, walk the remaining
 * stops in order with the same travel model the planner uses offline (great-circle × road factor
 * 1.3 at an urban 25 km/h, see domain/routing/matrix/great-circle.ts) and the same timing rule
 * (wait for a window to open, serve, drive on). Times are seconds since local midnight of the
 * delivery date, like every time of day in the dispatch context.
 */

export interface Point {
  lat: number;
  lng: number;
}

export interface RemainingStop extends Point {
  stopId: string;
  serviceTimeS: number;
  windowStartS: number | null;
  windowEndS: number | null;
  /** Set when the driver has arrived and is serving the stop. */
  arrivedS?: number | null;
}

export interface LiveEta {
  stopId: string;
  arrivalS: number;
  /** Service start: the ETA the customer sees. */
  etaS: number;
  departureS: number;
  /** Seconds past the window end (0 when on time or no window). */
  lateByS: number;
}

export const ROAD_FACTOR = 1.3;
export const URBAN_SPEED_MPS = 25 / 3.6;

/** Road-distance estimate and driving time between two points (the planner's offline model). */
export function travel(a: Point, b: Point): { distanceM: number; durationS: number } {
  const distanceM = haversineM({ lat: a.lat, lon: a.lng }, { lat: b.lat, lon: b.lng }) * ROAD_FACTOR;
  return { distanceM, durationS: distanceM / URBAN_SPEED_MPS };
}

/** ETAs of `stops` (in visiting order) for a vehicle at `from` at time `nowS`. */
export function liveEtas(from: Point, nowS: number, stops: readonly RemainingStop[]): LiveEta[] {
  const out: LiveEta[] = [];
  let at: Point = from;
  let t = nowS;
  for (const s of stops) {
    const arrivalS = s.arrivedS != null ? s.arrivedS : t + travel(at, s).durationS;
    const etaS = s.arrivedS != null ? s.arrivedS : Math.max(arrivalS, s.windowStartS ?? arrivalS);
    const departureS = Math.max(nowS, etaS + s.serviceTimeS);
    out.push({ stopId: s.stopId, arrivalS, etaS, departureS, lateByS: s.windowEndS == null ? 0 : Math.max(0, etaS - s.windowEndS) });
    at = s;
    t = departureS;
  }
  return out;
}

/** Sum of lateness over a route's live ETAs. */
export const totalLateS = (etas: readonly LiveEta[]): number => etas.reduce((a, e) => a + e.lateByS, 0);

/** A driver on a dispatched route whose last ping is older than `staleAfterS` (or who never pinged). */
export function isGpsStale(lastRecordedAt: Date | null, now: Date, staleAfterS = 120): boolean {
  return !lastRecordedAt || (now.getTime() - lastRecordedAt.getTime()) / 1000 > staleAfterS;
}

/**
 * Seconds since local midnight of `deliveryDate` (YYYY-MM-DD) in `timeZone` at instant `now`
 * (negative before that day, above 86 400 after it).
 */
export function secondsOfDay(now: Date, deliveryDate: string, timeZone = 'UTC'): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const wallMs = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const [y, m, d] = deliveryDate.split('-').map(Number) as [number, number, number];
  return (wallMs - Date.UTC(y, m - 1, d)) / 1000 + (now.getMilliseconds() % 1000) / 1000;
}
