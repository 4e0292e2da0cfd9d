import type { AtRiskStop, EtaChange, Suggestion } from './live.schemas.js';
import { liveEtas, totalLateS, travel, type LiveEta, type PendingBreak, type Point, type RemainingStop } from './live-eta.js';

/**
 * Pure at-risk rules: which remaining stops will miss their window at the live ETAs, and the
 * cheapest fix found by trying every earlier position on the same route (a swap of order) and
 * every position on every other live route (a move), each judged by the total lateness of the
 * routes it touches, then by the extra driving. Each fix lists the ETA change of every stop it
 * touches, so a dispatcher sees the whole effect before committing.
 */

export interface LiveRoute {
  routeId: string;
  vehicleCode: string;
  /** Where the vehicle is now (last ping, else its depot). */
  from: Point;
  nowS: number;
  /** Remaining stops in visiting order (an arrived stop first, if any). */
  stops: RemainingStop[];
  /** The driver's breaks still to take (placed by the planner's rule on whatever order is tried). */
  breaks?: PendingBreak[];
  /** Whether other routes' stops may be moved onto it (dispatched/planned and working). */
  canReceive: boolean;
}

export type { AtRiskStop, EtaChange, Suggestion };

const driveS = (from: Point, stops: readonly RemainingStop[]) => {
  let t = 0;
  let at = from;
  for (const s of stops) {
    t += travel(at, s).durationS;
    at = s;
  }
  return t;
};

/** The at-risk queue of a day: latest first by lateness, each with its best fix (or null when none helps). */
export function atRiskQueue(routes: readonly LiveRoute[]): AtRiskStop[] {
  const current = new Map(routes.map((r) => [r.routeId, liveEtas(r.from, r.nowS, r.stops, r.breaks)]));
  const out: AtRiskStop[] = [];
  for (const r of routes) {
    const etas = current.get(r.routeId)!;
    r.stops.forEach((s, i) => {
      const e = etas[i]!;
      if (e.lateByS <= 0 || s.arrivedS != null) return;
      out.push({
        stopId: s.stopId,
        routeId: r.routeId,
        vehicleCode: r.vehicleCode,
        etaS: e.etaS,
        windowEndS: s.windowEndS!,
        lateByS: e.lateByS,
        suggestion: bestFix(routes, current, r, i),
      });
    });
  }
  return out.sort((a, b) => b.lateByS - a.lateByS);
}

function changes(routeId: string, before: readonly LiveEta[], after: readonly LiveEta[]): EtaChange[] {
  const was = new Map(before.map((e) => [e.stopId, e]));
  const out: EtaChange[] = [];
  for (const a of after) {
    const b = was.get(a.stopId);
    if (b && Math.abs(b.etaS - a.etaS) < 1 && Math.abs(b.lateByS - a.lateByS) < 1) continue;
    out.push({
      stopId: a.stopId,
      routeId,
      beforeS: b?.etaS ?? a.etaS,
      afterS: a.etaS,
      lateBeforeS: b?.lateByS ?? 0,
      lateAfterS: a.lateByS,
    });
  }
  return out;
}

/** Tries every earlier slot on its own route and every slot on every receiving route. */
function bestFix(routes: readonly LiveRoute[], current: Map<string, LiveEta[]>, r: LiveRoute, i: number): Suggestion | null {
  const stop = r.stops[i]!;
  const first = r.stops[0]?.arrivedS != null ? 1 : 0;
  const ownBefore = current.get(r.routeId)!;
  const ownLate = totalLateS(ownBefore);
  const ownDrive = driveS(r.from, r.stops);
  const without = r.stops.filter((_, k) => k !== i);
  let best: { score: [number, number]; s: Suggestion } | undefined;
  const consider = (kind: 'swap' | 'move', target: LiveRoute, order: RemainingStop[], pos: number, fromOrder?: RemainingStop[]) => {
    const targetAfter = liveEtas(target.from, target.nowS, order, target.breaks);
    let lateBefore = ownLate;
    let lateAfter = totalLateS(targetAfter);
    let extra = driveS(target.from, order);
    let effects = changes(target.routeId, current.get(target.routeId)!, targetAfter);
    const orders: Record<string, string[]> = { [target.routeId]: order.map((s) => s.stopId) };
    if (kind === 'swap') extra -= ownDrive;
    else {
      const fromAfter = liveEtas(r.from, r.nowS, fromOrder!, r.breaks);
      lateBefore += totalLateS(current.get(target.routeId)!);
      lateAfter += totalLateS(fromAfter);
      extra += driveS(r.from, fromOrder!) - ownDrive - driveS(target.from, target.stops);
      effects = [...changes(r.routeId, ownBefore, fromAfter), ...effects];
      orders[r.routeId] = fromOrder!.map((s) => s.stopId);
    }
    if (lateAfter >= lateBefore - 1) return;
    const score: [number, number] = [lateAfter, extra];
    if (best && (best.score[0] < score[0] - 1e-6 || (Math.abs(best.score[0] - score[0]) <= 1e-6 && best.score[1] <= score[1]))) return;
    best = {
      score,
      s: {
        kind,
        stopId: stop.stopId,
        fromRouteId: r.routeId,
        toRouteId: target.routeId,
        position: pos + 1,
        lateBeforeS: lateBefore,
        lateAfterS: lateAfter,
        extraDriveS: extra,
        orders,
        effects,
      },
    };
  };
  for (let j = first; j < i; j++) consider('swap', r, [...without.slice(0, j), stop, ...without.slice(j)], j);
  for (const t of routes) {
    if (t.routeId === r.routeId || !t.canReceive) continue;
    const tFirst = t.stops[0]?.arrivedS != null ? 1 : 0;
    for (let j = tFirst; j <= t.stops.length; j++) consider('move', t, [...t.stops.slice(0, j), stop, ...t.stops.slice(j)], j, without);
  }
  return best?.s ?? null;
}
