import { haversineM } from '../routing/matrix/great-circle.js';

/**
 * Pure live-ETA rules: from a vehicle's last position and the current time, walk the remaining
 * stops in order with the same travel model the planner uses offline (great-circle × road factor
 * 1.3 at an urban 25 km/h, see domain/routing/matrix/great-circle.ts) and the same timing rule
 * (wait for a window to open, serve, drive on), with the driver's breaks still to take placed by
 * the planner's rule (domain/routing/break-placement.ts). Times are seconds since local midnight
 * of the delivery date, like every time of day in the dispatch context.
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
  /** Breaks taken on the way to this stop (only when there are some). */
  breaksBefore?: { id: string; startS: number; endS: number }[];
}

/** A driver break not taken yet: it may start within [startS, endS] and lasts durationS. */
export interface PendingBreak {
  id: string;
  startS: number;
  endS: number;
  durationS: number;
}

export const ROAD_FACTOR = 1.3;
export const URBAN_SPEED_MPS = 25 / 3.6;

/** Road-distance estimate and driving time between two points (the planner's offline model). */
export function travel(a: Point, b: Point): { distanceM: number; durationS: number } {
  const distanceM = haversineM({ lat: a.lat, lon: a.lng }, { lat: b.lat, lon: b.lng }) * ROAD_FACTOR;
  return { distanceM, durationS: distanceM / URBAN_SPEED_MPS };
}

const EPS = 1e-7;

/**
 * ETAs of `stops` (in visiting order) for a vehicle at `from` at time `nowS`, with `breaks` (still
 * to take) placed as the planner places them: a break goes in the first gap where it delays no
 * service start, or where deferring it past the next stop would miss its window; it starts at
 * max(departure, window start) and the next arrival is max(break end, departure + drive + break).
 * A break whose window has already closed is taken at the first gap (the driver still needs it).
 */
export function liveEtas(from: Point, nowS: number, stops: readonly RemainingStop[], breaks: readonly PendingBreak[] = []): LiveEta[] {
  const order = [...breaks].sort((a, b) => a.startS - b.startS || a.id.localeCompare(b.id));
  let bi = 0;
  const out: LiveEta[] = [];
  let at: Point = from;
  let t = nowS;
  for (const s of stops) {
    let arrivalS: number;
    let etaS: number;
    let breaksBefore: LiveEta['breaksBefore'];
    if (s.arrivedS != null) {
      // Being served: no break before it any more.
      arrivalS = s.arrivedS;
      etaS = s.arrivedS;
    } else {
      const ready = s.windowStartS ?? Number.NEGATIVE_INFINITY;
      const drive = t + travel(at, s).durationS;
      let cur = t;
      let pauseS = 0;
      const taken: { id: string; startS: number; endS: number }[] = [];
      while (bi < order.length) {
        const b = order[bi]!;
        const start = Math.max(cur, b.startS);
        const startNo = Math.max(pauseS > 0 ? Math.max(cur, drive + pauseS) : drive, ready);
        const startYes = Math.max(start + b.durationS, drive + pauseS + b.durationS, ready);
        // Defer when taking it here delays this stop and it still fits after serving it.
        if (startYes > startNo + EPS && startNo + s.serviceTimeS <= b.endS + EPS) break;
        cur = start + b.durationS;
        pauseS += b.durationS;
        taken.push({ id: b.id, startS: start, endS: cur });
        bi++;
      }
      arrivalS = pauseS > 0 ? Math.max(cur, drive + pauseS) : drive;
      etaS = Math.max(arrivalS, ready);
      if (taken.length) breaksBefore = taken;
    }
    const departureS = Math.max(nowS, etaS + s.serviceTimeS);
    const lateByS = s.windowEndS == null ? 0 : Math.max(0, etaS - s.windowEndS);
    out.push({ stopId: s.stopId, arrivalS, etaS, departureS, lateByS, ...(breaksBefore ? { breaksBefore } : {}) });
    at = s;
    t = departureS;
  }
  return out;
}

/**
 * The breaks a driver has still to take: those the stored route places before a stop not yet
 * delivered or failed, or after the last stop while one remains (`placed` as the planner stored
 * it, `afterStop` counting the route's stops in order; `windows` the vehicle's break rules). A break
 * placed before a stop already done is taken. A driver on a break now counts it as still to take
 * from now on (no signal says the break began), so ETAs may run late by its elapsed part.
 */
export function pendingBreaks(
  placed: readonly { id: string; afterStop: number }[],
  windows: readonly PendingBreak[],
  stopDone: readonly boolean[],
): PendingBreak[] {
  const anyLeft = stopDone.some((d) => !d);
  const byId = new Map(windows.map((w) => [w.id, w]));
  const out: PendingBreak[] = [];
  for (const b of placed) {
    const w = byId.get(b.id);
    if (!w) continue;
    const next = stopDone[b.afterStop];
    if (next === undefined ? anyLeft : !next) out.push(w);
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
