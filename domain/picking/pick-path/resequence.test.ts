import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForcePath } from './brute-force.js';
import { depotPoint, pickPoint } from './layout.js';
import type { PickLocation } from './layout.js';
import { distanceMatrix, pathLength } from './metric.js';
import { resequence } from './resequence.js';
import { sequencePicks } from './sequence-picks.js';
import { instanceArb } from './test-support.js';

describe('resequence', () => {
  it('keeps the picked prefix and re-optimises the rest from the picker, exactly for short remainders', () => {
    fc.assert(
      fc.property(
        instanceArb(fc.integer({ min: 1, max: 3 }), 8, 2),
        fc.array(fc.record({ aisle: fc.nat(), yMm: fc.nat() }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        ({ layout, depot, picks }, rawInserted, k) => {
          const top = layout.crossAislesYMm[layout.crossAislesYMm.length - 1];
          const inserted = rawInserted.map((p) => ({ aisle: p.aisle % layout.aislesXMm.length, yMm: p.yMm % (top + 1) }));
          const route = sequencePicks(layout, picks, depot);
          const pickedCount = k % (picks.length + 1);
          const r = resequence({ layout, depot, picks, order: route.order, pickedCount }, inserted);
          expect(r.method).toBe('optimal-exact');
          expect(r.order.slice(0, pickedCount)).toEqual(route.order.slice(0, pickedCount));
          expect([...r.order].sort((a, b) => a - b)).toEqual(r.picks.map((_, i) => i));
          // Reference: every order of the remaining picks, from the last picked location to the depot.
          const startLoc: PickLocation | null = pickedCount > 0 ? picks[route.order[pickedCount - 1]] : null;
          const start = startLoc ? pickPoint(layout, startLoc) : depotPoint(layout, depot);
          const rest = r.order.slice(pickedCount);
          const pts = [start, ...rest.map((i) => pickPoint(layout, r.picks[i])), depotPoint(layout, depot)];
          const m = distanceMatrix(layout, pts);
          const walked = pathLength(
            m,
            pts.length,
            pts.map((_, i) => i),
          );
          expect(walked).toBe(r.remainingLengthMm);
          expect(r.remainingLengthMm).toBe(bruteForcePath(m, pts.length).lengthMm);
        },
      ),
      { numRuns: 80, seed: 21 },
    );
  });

  it('re-sequences a long remainder heuristically with both ends fixed', () => {
    const layout = { aislesXMm: Array.from({ length: 10 }, (_, i) => i * 3000), crossAislesYMm: [0, 10000, 20000] };
    const depot = { xMm: 0, yMm: 0 };
    const picks = Array.from({ length: 40 }, (_, i) => ({ aisle: (i * 3) % 10, yMm: (i * 4001) % 20000 }));
    const route = sequencePicks(layout, picks, depot);
    const inserted = [
      { aisle: 9, yMm: 19000 },
      { aisle: 4, yMm: 100 },
      { aisle: 0, yMm: 15000 },
    ];
    const r = resequence({ layout, depot, picks, order: route.order, pickedCount: 15 }, inserted, { seed: 2 });
    expect(r.method).toBe('heuristic');
    expect(r.order.slice(0, 15)).toEqual(route.order.slice(0, 15));
    expect([...r.order].sort((a, b) => a - b)).toEqual(r.picks.map((_, i) => i));
    const start = pickPoint(layout, picks[route.order[14]]);
    const pts = [start, ...r.order.slice(15).map((i) => pickPoint(layout, r.picks[i])), depotPoint(layout, depot)];
    expect(
      pathLength(
        distanceMatrix(layout, pts),
        pts.length,
        pts.map((_, i) => i),
      ),
    ).toBe(r.remainingLengthMm);
    // Not worse than keeping the old remainder and appending the new picks before the depot.
    const naive = [
      start,
      ...route.order.slice(15).map((i) => pickPoint(layout, picks[i])),
      ...inserted.map((p) => pickPoint(layout, p)),
      depotPoint(layout, depot),
    ];
    expect(r.remainingLengthMm).toBeLessThanOrEqual(
      pathLength(
        distanceMatrix(layout, naive),
        naive.length,
        naive.map((_, i) => i),
      ),
    );
  });

  it('starts from an explicit picker position when given', () => {
    const layout = { aislesXMm: [0, 3000], crossAislesYMm: [0, 10000] };
    const picks = [{ aisle: 1, yMm: 9000 }];
    const r = resequence({ layout, depot: { xMm: 0, yMm: 0 }, picks, order: [0], pickedCount: 0, position: { aisle: 1, yMm: 8000 } }, []);
    expect(r.remainingLengthMm).toBe(1000 + 9000 + 3000);
  });
});
