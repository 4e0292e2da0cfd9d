import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForceTour } from './brute-force.js';
import { DistanceCache } from './distance-cache.js';
import { routeLengthMm } from './route-length.js';
import { buildStops, sequencePicks } from './sequence-picks.js';
import { distanceMatrix, tourLength } from './metric.js';
import { heuristicsFor } from './routing-heuristics.js';
import { instanceArb } from './test-support.js';

const isPermutation = (order: number[], n: number) =>
  expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));

describe('sequencePicks', () => {
  it('uses the optimal DP on a single block and reports the walk length of its order', () => {
    const layout = { aislesXMm: [0, 3000, 6000], crossAislesYMm: [0, 10000] };
    const picks = [
      { aisle: 2, yMm: 500 },
      { aisle: 0, yMm: 9000 },
      { aisle: 2, yMm: 500 },
      { aisle: 1, yMm: 7000 },
    ];
    const r = sequencePicks(layout, picks, { xMm: 0, yMm: 0 });
    expect(r.method).toBe('optimal-dp');
    isPermutation(r.order, picks.length);
    expect(routeLengthMm(layout, picks, { xMm: 0, yMm: 0 }, r.order)).toBe(r.lengthMm);
    expect(r.lowerBoundMm).toBe(r.lengthMm);
    // Two picks at the same place are one stop.
    expect(Math.abs(r.order.indexOf(0) - r.order.indexOf(2))).toBe(1);
  });

  it('returns an empty order for an empty pick list', () => {
    expect(sequencePicks({ aislesXMm: [0], crossAislesYMm: [0, 1000, 2000] }, [], { xMm: 0, yMm: 0 })).toMatchObject({
      order: [],
      lengthMm: 0,
    });
  });

  it('solves short multi-block lists exactly', () => {
    fc.assert(
      fc.property(instanceArb(fc.integer({ min: 2, max: 4 }), 7), ({ layout, depot, picks }) => {
        const r = sequencePicks(layout, picks, depot);
        expect(r.method).toBe('optimal-exact');
        isPermutation(r.order, picks.length);
        const stops = buildStops(layout, picks, depot);
        const m = distanceMatrix(layout, stops.points);
        expect(r.lengthMm).toBe(bruteForceTour(m, stops.points.length).lengthMm);
        expect(routeLengthMm(layout, picks, depot, r.order)).toBe(r.lengthMm);
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  it('multi-block heuristic visits every pick, never loses to its construction, and brackets the optimum', () => {
    fc.assert(
      fc.property(
        instanceArb(fc.integer({ min: 2, max: 4 }), 40, 5).filter((i) => i.depot.yMm === 0),
        ({ layout, depot, picks }) => {
          const r = sequencePicks(layout, picks, depot, { method: 'heuristic', ilsIterations: 10 });
          expect(r.method).toBe('heuristic');
          isPermutation(r.order, picks.length);
          expect(routeLengthMm(layout, picks, depot, r.order)).toBe(r.lengthMm);
          expect(r.lengthMm).toBeLessThanOrEqual(r.construction!.lengthMm);
          // The construction is the best classic heuristic by walk length, so ours never loses to any of them.
          const stops = buildStops(layout, picks, depot);
          const m = distanceMatrix(layout, stops.points);
          for (const h of Object.values(heuristicsFor(layout))) {
            const route = h(layout, stops.points[0], stops.points.slice(1));
            expect(r.lengthMm).toBeLessThanOrEqual(tourLength(m, stops.points.length, [0, ...route.order.map((i) => i + 1)]));
            expect(r.lengthMm).toBeLessThanOrEqual(route.lengthMm);
          }
          expect(r.lowerBoundMm!).toBeLessThanOrEqual(r.lengthMm);
          if (stops.points.length <= 9) expect(r.lowerBoundMm!).toBeLessThanOrEqual(bruteForceTour(m, stops.points.length).lengthMm);
        },
      ),
      { numRuns: 60, seed: 9 },
    );
  });

  it('is deterministic for a seed and reuses the cached distance matrix', () => {
    const layout = { aislesXMm: [0, 3000, 6000, 9000, 12000], crossAislesYMm: [0, 8000, 16000, 24000] };
    const picks = Array.from({ length: 30 }, (_, i) => ({ aisle: (i * 7) % 5, yMm: (i * 7919) % 24000 }));
    const cache = new DistanceCache();
    const a = sequencePicks(layout, picks, { xMm: 0, yMm: 0 }, { cache, seed: 4 });
    const b = sequencePicks(layout, picks, { xMm: 0, yMm: 0 }, { cache, seed: 4 });
    expect(b).toEqual(a);
    expect(cache.misses).toBe(1);
    expect(cache.hits).toBe(1);
  });

  it('rejects picks outside the layout', () => {
    const layout = { aislesXMm: [0, 3000], crossAislesYMm: [0, 10000] };
    expect(() => sequencePicks(layout, [{ aisle: 2, yMm: 0 }], { xMm: 0, yMm: 0 })).toThrow(RangeError);
    expect(() => sequencePicks(layout, [{ aisle: 0, yMm: 10001 }], { xMm: 0, yMm: 0 })).toThrow(RangeError);
  });
});
