import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSingleBlock } from '../../../bench/pickpath/instances.js';
import { bruteForceTour } from './brute-force.js';
import { depotPoint, pickPoint } from './layout.js';
import type { DepotLocation, PickLocation, WarehouseLayout } from './layout.js';
import { distanceMatrix, tourLength } from './metric.js';
import { optimalSingleBlockTour } from './ratliff-rosenthal.js';
import { heuristicsFor } from './routing-heuristics.js';
import { instanceArb } from './test-support.js';

function solve(layout: WarehouseLayout, depot: DepotLocation, picks: PickLocation[]) {
  const points = [depotPoint(layout, depot), ...picks.map((p) => pickPoint(layout, p))];
  const matrix = distanceMatrix(layout, points);
  const dp = optimalSingleBlockTour(layout, points);
  return { points, matrix, dp };
}

function expectValidTour(dp: { order: number[]; lengthMm: number }, matrix: Float64Array, n: number) {
  // Visits every pick exactly once, and the reported length is the walk of that order.
  expect([...dp.order].sort((a, b) => a - b)).toEqual(Array.from({ length: n - 1 }, (_, i) => i + 1));
  expect(tourLength(matrix, n, [0, ...dp.order])).toBe(dp.lengthMm);
}

describe('Ratliff-Rosenthal single-block DP', () => {
  it('solves a hand-checked instance: one aisle out and back beats a traversal', () => {
    const layout = { aislesXMm: [0, 3000], crossAislesYMm: [0, 10000] };
    const { dp } = solve(layout, { xMm: 0, yMm: 0 }, [
      { aisle: 1, yMm: 2000 },
      { aisle: 1, yMm: 1000 },
    ]);
    expect(dp.lengthMm).toBe(2 * 3000 + 2 * 2000);
    expect(dp.order).toEqual([2, 1]);
  });

  it('traverses when picks sit deep in both aisles', () => {
    const layout = { aislesXMm: [0, 3000], crossAislesYMm: [0, 10000] };
    const { dp } = solve(layout, { xMm: 0, yMm: 0 }, [
      { aisle: 0, yMm: 9000 },
      { aisle: 1, yMm: 9500 },
    ]);
    expect(dp.lengthMm).toBe(2 * 10000 + 2 * 3000);
  });

  it('returns an empty tour for no picks and handles picks at the depot', () => {
    const layout = { aislesXMm: [0, 3000], crossAislesYMm: [0, 10000] };
    expect(solve(layout, { xMm: 0, yMm: 0 }, []).dp).toEqual({ lengthMm: 0, order: [] });
    const { dp } = solve(layout, { xMm: 0, yMm: 0 }, [
      { aisle: 0, yMm: 0 },
      { aisle: 0, yMm: 0 },
    ]);
    expect(dp.lengthMm).toBe(0);
    expect([...dp.order].sort()).toEqual([1, 2]);
  });

  it('equals the exhaustive optimum on random instances with up to 8 picks', () => {
    fc.assert(
      fc.property(instanceArb(fc.constant(1), 8), ({ layout, depot, picks }) => {
        const { points, matrix, dp } = solve(layout, depot, picks);
        expectValidTour(dp, matrix, points.length);
        expect(dp.lengthMm).toBe(bruteForceTour(matrix, points.length).lengthMm);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('equals the exhaustive optimum on every bench instance with 5 or 10 picks', () => {
    const small = loadSingleBlock().filter((i) => i.picks.length <= 10);
    expect(small.length).toBe(60);
    for (const inst of small) {
      const { points, matrix, dp } = solve(inst.layout, inst.depot, inst.picks);
      expectValidTour(dp, matrix, points.length);
      expect(dp.lengthMm, inst.name).toBe(bruteForceTour(matrix, points.length).lengthMm);
    }
  });

  it('is never longer than S-shape, return, midpoint, largest gap or combined', () => {
    const check = (layout: WarehouseLayout, depot: DepotLocation, picks: PickLocation[]) => {
      const { points, matrix, dp } = solve(layout, depot, picks);
      expectValidTour(dp, matrix, points.length);
      const heuristics = heuristicsFor(layout);
      expect(Object.keys(heuristics).sort()).toEqual(['combined', 'largest-gap', 'midpoint', 'return', 's-shape']);
      for (const h of Object.values(heuristics)) {
        const r = h(layout, points[0], points.slice(1));
        expect(dp.lengthMm).toBeLessThanOrEqual(r.lengthMm);
      }
    };
    for (const inst of loadSingleBlock()) check(inst.layout, inst.depot, inst.picks);
    fc.assert(
      fc.property(
        instanceArb(fc.constant(1), 30).filter((i) => i.depot.yMm === 0),
        ({ layout, depot, picks }) => check(layout, depot, picks),
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
