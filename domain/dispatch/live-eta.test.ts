import { describe, expect, it } from 'vitest';
import { isGpsStale, liveEtas, pendingBreaks, secondsOfDay, travel, URBAN_SPEED_MPS } from './live-eta.js';

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

describe('live ETAs with driver breaks', () => {
  const stops = [
    { stopId: 'b', ...B, serviceTimeS: 300, windowStartS: null, windowEndS: null },
    { stopId: 'c', ...C, serviceTimeS: 120, windowStartS: null, windowEndS: 38_000 },
  ];
  const lunch = { id: 'lunch', startS: 36_000, endS: 36_600, durationS: 1_800 };

  it('takes a break still to take where it delays nothing, else where its window forces it, and later stops carry it', () => {
    const plain = liveEtas(A, 36_000, stops);
    const withBreak = liveEtas(A, 36_000, stops, [lunch]);
    // Deferring past b still fits the window (b is served by ~36 510 < 36 600), past c would not: it goes between them.
    expect(withBreak[0]!.etaS).toBeCloseTo(plain[0]!.etaS, 6);
    expect(withBreak[0]!.breaksBefore).toBeUndefined();
    expect(withBreak[1]!.etaS).toBeCloseTo(plain[1]!.etaS + 1_800, 6);
    expect(withBreak[1]!.breaksBefore).toEqual([{ id: 'lunch', startS: plain[0]!.departureS, endS: plain[0]!.departureS + 1_800 }]);
    expect(withBreak[1]!.lateByS).toBeCloseTo(withBreak[1]!.etaS - 38_000, 6);
  });

  it('takes a break before the next stop when serving that stop first would miss its window', () => {
    const tight = { ...lunch, endS: 36_300 };
    const etas = liveEtas(A, 36_000, stops, [tight]);
    expect(etas[0]!.breaksBefore).toEqual([{ id: 'lunch', startS: 36_000, endS: 37_800 }]);
    expect(etas[0]!.etaS).toBeCloseTo(Math.max(37_800, 36_000 + travel(A, B).durationS + 1_800), 6);
  });

  it('spends a wait for a window on the break, costing no time', () => {
    const waiting = [{ ...stops[0]!, windowStartS: 40_000, windowEndS: 42_000 }];
    const [e] = liveEtas(A, 36_000, waiting, [{ ...lunch, endS: 39_000 }]);
    expect(e!.etaS).toBe(40_000);
    expect(e!.breaksBefore).toHaveLength(1);
  });

  it('takes a break whose window has closed at the first gap', () => {
    const [e] = liveEtas(A, 40_000, [stops[0]!], [lunch]);
    expect(e!.breaksBefore).toEqual([{ id: 'lunch', startS: 40_000, endS: 41_800 }]);
  });

  it('counts a break as taken once the stop after it is done, and as still to take otherwise', () => {
    const windows = [lunch, { id: 'tea', startS: 50_000, endS: 52_000, durationS: 600 }];
    const placed = [
      { id: 'lunch', afterStop: 1 },
      { id: 'tea', afterStop: 3 },
    ];
    expect(pendingBreaks(placed, windows, [true, false, false]).map((b) => b.id)).toEqual(['lunch', 'tea']);
    expect(pendingBreaks(placed, windows, [true, true, false]).map((b) => b.id)).toEqual(['tea']);
    // A break after the last stop is still to take while any stop remains.
    expect(pendingBreaks(placed, windows, [true, true, true]).map((b) => b.id)).toEqual([]);
    expect(pendingBreaks([{ id: 'gone', afterStop: 0 }], windows, [false])).toEqual([]);
  });
});
