import { describe, expect, it } from 'vitest';
import { isGpsStale, liveEtas, secondsOfDay, travel, URBAN_SPEED_MPS } from './live-eta.js';

const A = { lat: 52.37, lng: 4.9 };
const B = { lat: 52.38, lng: 4.9 }; // ~1.11 km north
const C = { lat: 52.39, lng: 4.9 };

describe('live ETAs', () => {
  it('drives, waits for a window to open, serves, drives on', () => {
    const leg = travel(A, B).durationS;
    expect(travel(A, B).distanceM).toBeCloseTo(1111.95 * 1.3, 0);
    expect(leg).toBeCloseTo((1111.95 * 1.3) / URBAN_SPEED_MPS, 0);
    const etas = liveEtas(A, 36_000, [
      { stopId: 'b', ...B, serviceTimeS: 300, windowStartS: 37_000, windowEndS: 40_000 },
      { stopId: 'c', ...C, serviceTimeS: 120, windowStartS: null, windowEndS: 37_500 },
    ]);
    expect(etas[0]).toMatchObject({ stopId: 'b', etaS: 37_000, departureS: 37_300, lateByS: 0 });
    expect(etas[0]!.arrivalS).toBeCloseTo(36_000 + leg, 6);
    expect(etas[1]!.etaS).toBeCloseTo(37_300 + travel(B, C).durationS, 6);
    expect(etas[1]!.lateByS).toBeCloseTo(etas[1]!.etaS - 37_500, 6);
  });

  it('starts from the arrival time of a stop being served, never departing before now', () => {
    const [e] = liveEtas(B, 40_000, [{ stopId: 'b', ...B, serviceTimeS: 300, windowStartS: null, windowEndS: null, arrivedS: 39_900 }]);
    expect(e).toMatchObject({ arrivalS: 39_900, etaS: 39_900, departureS: 40_200 });
    const [late] = liveEtas(B, 41_000, [{ stopId: 'b', ...B, serviceTimeS: 300, windowStartS: null, windowEndS: null, arrivedS: 39_900 }]);
    expect(late!.departureS).toBe(41_000);
  });

  it('flags GPS as stale after the threshold or without any ping', () => {
    const now = new Date('2026-11-30T10:00:00Z');
    expect(isGpsStale(null, now)).toBe(true);
    expect(isGpsStale(new Date('2026-11-30T09:59:00Z'), now)).toBe(false);
    expect(isGpsStale(new Date('2026-11-30T09:57:59Z'), now)).toBe(true);
  });

  it('counts seconds from local midnight of the delivery date', () => {
    const now = new Date('2026-11-30T10:00:00Z');
    expect(secondsOfDay(now, '2026-11-30')).toBe(36_000);
    expect(secondsOfDay(now, '2026-11-30', 'Europe/Amsterdam')).toBe(39_600); // CET = UTC+1 in winter
    expect(secondsOfDay(now, '2026-11-29')).toBe(36_000 + 86_400);
    expect(secondsOfDay(new Date('2026-07-01T10:00:00Z'), '2026-07-01', 'Europe/Amsterdam')).toBe(43_200); // CEST
  });
});
