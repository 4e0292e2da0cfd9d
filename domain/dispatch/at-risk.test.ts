import { describe, expect, it } from 'vitest';
import { atRiskQueue, type LiveRoute } from './at-risk.js';
import { liveEtas, totalLateS, type RemainingStop } from './live-eta.js';

const H = 3600;
const stop = (stopId: string, lat: number, lng: number, windowEndS: number | null = null): RemainingStop => ({
  stopId,
  lat,
  lng,
  serviceTimeS: 300,
  windowStartS: null,
  windowEndS,
});

describe('at-risk queue', () => {
  it('suggests moving a stop forward on its own route when that saves its window, with every ETA change listed', () => {
    // Three stops ~1 km apart going north; the last one must be served within the next few minutes.
    const r: LiveRoute = {
      routeId: 'r1',
      vehicleCode: 'VAN1',
      from: { lat: 52.37, lng: 4.9 },
      nowS: 10 * H,
      stops: [stop('a', 52.38, 4.9), stop('b', 52.39, 4.9), stop('c', 52.375, 4.9, 10 * H + 600)],
      canReceive: true,
    };
    const [risk, ...rest] = atRiskQueue([r]);
    expect(rest).toEqual([]);
    expect(risk).toMatchObject({ stopId: 'c', routeId: 'r1' });
    expect(risk!.lateByS).toBeGreaterThan(0);
    const s = risk!.suggestion!;
    expect(s).toMatchObject({ kind: 'swap', toRouteId: 'r1', position: 1, lateAfterS: 0 });
    expect(s.orders).toEqual({ r1: ['c', 'a', 'b'] });
    // The effects are exactly what re-evaluating the new order gives, for every stop that moved in time.
    const after = liveEtas(
      r.from,
      r.nowS,
      ['c', 'a', 'b'].map((id) => r.stops.find((x) => x.stopId === id)!),
    );
    expect(s.effects.map((e) => e.stopId).sort()).toEqual(['a', 'b', 'c']);
    for (const e of s.effects) expect(e.afterS).toBeCloseTo(after.find((x) => x.stopId === e.stopId)!.etaS, 6);
    expect(s.lateAfterS).toBe(totalLateS(after));
  });

  it('suggests another route when the own route cannot make it, and touches no stop of uninvolved routes', () => {
    const far: LiveRoute = {
      routeId: 'far',
      vehicleCode: 'VAN1',
      from: { lat: 52.2, lng: 4.6 },
      nowS: 10 * H,
      stops: [stop('x', 52.37, 4.9, 10 * H + 900)],
      canReceive: true,
    };
    const near: LiveRoute = {
      routeId: 'near',
      vehicleCode: 'VAN2',
      from: { lat: 52.371, lng: 4.9 },
      nowS: 10 * H,
      stops: [stop('y', 52.4, 4.95)],
      canReceive: true,
    };
    const broken: LiveRoute = { ...near, routeId: 'broken', vehicleCode: 'VAN3', stops: [], canReceive: false };
    const [risk] = atRiskQueue([far, near, broken]);
    const s = risk!.suggestion!;
    expect(s).toMatchObject({ kind: 'move', fromRouteId: 'far', toRouteId: 'near', position: 1, lateAfterS: 0 });
    expect(s.orders).toEqual({ far: [], near: ['x', 'y'] });
    expect(new Set(s.effects.map((e) => e.routeId))).toEqual(new Set(['near']));
    expect(s.effects.find((e) => e.stopId === 'y')!.afterS).toBeGreaterThan(s.effects.find((e) => e.stopId === 'y')!.beforeS);
  });

  it('lists nothing when every window holds, and no fix when none reduces lateness', () => {
    const ok: LiveRoute = {
      routeId: 'r',
      vehicleCode: 'V',
      from: { lat: 52.37, lng: 4.9 },
      nowS: 8 * H,
      stops: [stop('a', 52.38, 4.9, 12 * H)],
      canReceive: true,
    };
    expect(atRiskQueue([ok])).toEqual([]);
    const hopeless: LiveRoute = { ...ok, nowS: 13 * H };
    const [r] = atRiskQueue([hopeless]);
    expect(r!.suggestion).toBeNull();
  });
});
