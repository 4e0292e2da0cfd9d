import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossPoint, depotPoint, pickPoint } from './layout.js';
import { distanceMatrix, distanceMm } from './metric.js';
import { dijkstraDistance, instanceArb } from './test-support.js';

const twoBlocks = { aislesXMm: [0, 3000, 6000], crossAislesYMm: [0, 10000, 20000] };

describe('grid metric', () => {
  it('walks straight along one aisle, even through a cross aisle', () => {
    expect(distanceMm(twoBlocks, pickPoint(twoBlocks, { aisle: 1, yMm: 2000 }), pickPoint(twoBlocks, { aisle: 1, yMm: 15000 }))).toBe(
      13000,
    );
  });

  it('leaves a subaisle by its nearer useful end within one block', () => {
    // 3000 across; via the front: 2000 + 3000 = 5000, via the middle cross aisle: 8000 + 7000 = 15000.
    const d = distanceMm(twoBlocks, pickPoint(twoBlocks, { aisle: 0, yMm: 2000 }), pickPoint(twoBlocks, { aisle: 1, yMm: 3000 }));
    expect(d).toBe(8000);
  });

  it('is rectilinear between blocks of different aisles', () => {
    const d = distanceMm(twoBlocks, pickPoint(twoBlocks, { aisle: 0, yMm: 2000 }), pickPoint(twoBlocks, { aisle: 2, yMm: 17000 }));
    expect(d).toBe(6000 + 15000);
  });

  it('measures a depot between aisles along the front cross aisle', () => {
    const depot = depotPoint(twoBlocks, { xMm: 1000, yMm: -500 });
    expect(depot.yMm).toBe(0);
    expect(distanceMm(twoBlocks, depot, crossPoint(twoBlocks, 2, 0))).toBe(5000);
    expect(distanceMm(twoBlocks, depot, pickPoint(twoBlocks, { aisle: 0, yMm: 4000 }))).toBe(5000);
  });

  it('equals Dijkstra on the explicit aisle graph for random layouts and points', () => {
    fc.assert(
      fc.property(instanceArb(fc.integer({ min: 1, max: 4 }), 4, 2), ({ layout, depot, picks }) => {
        const pts = [depotPoint(layout, depot), ...picks.map((p) => pickPoint(layout, p))];
        const m = distanceMatrix(layout, pts);
        for (let i = 0; i < pts.length; i++) {
          for (let j = 0; j < pts.length; j++) expect(m[i * pts.length + j]).toBe(i === j ? 0 : dijkstraDistance(layout, pts[i], pts[j]));
        }
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});
