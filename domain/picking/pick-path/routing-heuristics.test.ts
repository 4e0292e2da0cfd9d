import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { depotPoint, pickPoint } from './layout.js';
import { distanceMatrix, tourLength } from './metric.js';
import { combinedRoute, heuristicsFor, largestGapRoute, midpointRoute, returnRoute, sShapeRoute } from './routing-heuristics.js';
import { instanceArb } from './test-support.js';

// Single block, 4 aisles 3 m apart, 10 m deep, depot at the front of aisle 0.
const layout = { aislesXMm: [0, 3000, 6000, 9000], crossAislesYMm: [0, 10000] };
const depot = depotPoint(layout, { xMm: 0, yMm: 0 });
const picks = [
  { aisle: 0, yMm: 8000 },
  { aisle: 1, yMm: 1000 },
  { aisle: 1, yMm: 9000 },
  { aisle: 3, yMm: 4000 },
].map((p) => pickPoint(layout, p));

describe('single-block routing heuristics (hand-computed)', () => {
  it('return: every aisle in and out from the front', () => {
    const r = returnRoute(layout, depot, picks);
    expect(r.lengthMm).toBe(2 * 9000 + 2 * 8000 + 2 * 9000 + 2 * 4000);
    expect(r.order).toEqual([0, 1, 2, 3]);
  });

  it('s-shape: traverse aisles 0 and 1, odd last aisle 3 in and out from the front', () => {
    const r = sShapeRoute(layout, depot, picks);
    expect(r.lengthMm).toBe(2 * 9000 + 10000 + 10000 + 2 * 4000);
    expect(r.order).toEqual([0, 2, 1, 3]);
  });

  it('largest gap: outer aisles traversed, aisle 1 served from both ends', () => {
    const r = largestGapRoute(layout, depot, picks);
    // Aisle 1 gaps: 1000 | 8000 | 1000 -> the middle gap is skipped: 2*1000 from the back + 2*1000 from the front.
    expect(r.lengthMm).toBe(2 * 9000 + 10000 + 10000 + 2000 + 2000);
    expect(r.order).toEqual([0, 2, 3, 1]);
  });

  it('midpoint: the same split here, at 5000', () => {
    expect(midpointRoute(layout, depot, picks).lengthMm).toBe(largestGapRoute(layout, depot, picks).lengthMm);
  });

  it('combined: chooses per aisle between traversing and returning', () => {
    const r = combinedRoute(layout, depot, picks);
    // Traverse 0 (10000), traverse 1 (10000), return in 3 from the front (8000).
    expect(r.lengthMm).toBe(2 * 9000 + 28000);
  });
});

describe('routing heuristics (properties)', () => {
  it('visit every pick once, and their literal length is at least the shortest-path length of their order', () => {
    fc.assert(
      fc.property(
        instanceArb(fc.integer({ min: 1, max: 4 }), 25).filter((i) => i.depot.yMm === 0),
        ({ layout: l, depot: d, picks: ps }) => {
          const dp = depotPoint(l, d);
          const pts = ps.map((p) => pickPoint(l, p));
          const m = distanceMatrix(l, [dp, ...pts]);
          const results: Record<string, number> = {};
          for (const [name, h] of Object.entries(heuristicsFor(l))) {
            const r = h(l, dp, pts);
            expect(
              [...r.order].sort((a, b) => a - b),
              name,
            ).toEqual(pts.map((_, i) => i));
            expect(tourLength(m, pts.length + 1, [0, ...r.order.map((i) => i + 1)])).toBeLessThanOrEqual(r.lengthMm);
            results[name] = r.lengthMm;
          }
          // Combined picks per subaisle among the S-shape's own options in the same sweep.
          expect(results.combined).toBeLessThanOrEqual(results['s-shape']);
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe('depot between aisles (Roodbergen & de Koster: back to the depot along the front cross aisle)', () => {
  // The same picks, the depot on the front cross aisle at x = 4 m, between aisles 1 (3 m) and 2 (6 m).
  const between = depotPoint(layout, { xMm: 4000, yMm: 0 });

  it('largest gap serves the front part of aisle 1 on the way out, so the route never walks past the depot and back', () => {
    const r = largestGapRoute(layout, between, picks);
    // Out: depot → aisle 1 front (1000), in/out to 1000 (2000), → aisle 0 (3000), up (10000); back: → aisle 1 (3000),
    // in/out to 9000 (2000), → aisle 3 (6000), down (10000); front: → depot (5000).
    expect(r.lengthMm).toBe(1000 + 2000 + 3000 + 10000 + 3000 + 2000 + 6000 + 10000 + 5000);
    expect(r.order).toEqual([1, 0, 2, 3]);
  });

  it('midpoint: the same route here', () => {
    expect(midpointRoute(layout, between, picks)).toEqual(largestGapRoute(layout, between, picks));
  });

  it('with pick aisles on both sides, costs nothing over a depot on the aisle just left of it (it used to cost 2 × the offset)', () => {
    fc.assert(
      fc.property(
        instanceArb(fc.constant(1), 30).filter((i) => i.depot.yMm === 0 && !i.layout.aislesXMm.includes(i.depot.xMm)),
        ({ layout: l, depot: d, picks: ps }) => {
          const xl = Math.max(...l.aislesXMm.filter((x) => x < d.xMm));
          const pickXs = ps.map((p) => l.aislesXMm[p.aisle]);
          // A route must reach the outermost pick aisles; with some beyond both xl and the depot, where the
          // depot sits in between changes nothing under the convention.
          fc.pre(Math.min(...pickXs) < xl && Math.max(...pickXs) > d.xMm);
          const pts = ps.map((p) => pickPoint(l, p));
          for (const h of [midpointRoute, largestGapRoute])
            expect(h(l, depotPoint(l, d), pts).lengthMm).toBeLessThanOrEqual(h(l, depotPoint(l, { xMm: xl, yMm: 0 }), pts).lengthMm);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
