import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cartonize } from './cartonize.js';
import type { BoxType, PackItem } from './types.js';
import { validatePacking } from './validate-packing.js';

// Dimensions are drawn from a coarse grid half the time so that faces touch and items tile, which
// is where off-by-one overlap bugs live; the rest are arbitrary.
const side = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map((k) => k * 50),
  fc.integer({ min: 1, max: 420 }),
);

const itemArb = fc.record({
  lengthMm: side,
  widthMm: side,
  heightMm: side,
  weightG: fc.integer({ min: 0, max: 6_000 }),
  thisSideUp: fc.boolean(),
  noStack: fc.constantFrom(false, false, false, true),
  fragile: fc.constantFrom(false, false, false, true),
});

const boxArb = fc.record({
  innerLengthMm: fc.integer({ min: 50, max: 600 }),
  innerWidthMm: fc.integer({ min: 50, max: 600 }),
  innerHeightMm: fc.integer({ min: 50, max: 600 }),
  maxWeightG: fc.integer({ min: 2_000, max: 25_000 }),
  tareG: fc.integer({ min: 0, max: 500 }),
});

const instance = fc.record({
  items: fc.array(itemArb, { minLength: 1, maxLength: 12 }).map((xs) => xs.map((x, k): PackItem => ({ itemId: `i${k}`, ...x }))),
  boxes: fc.array(boxArb, { minLength: 1, maxLength: 4 }).map((xs) => xs.map((x, k): BoxType => ({ boxId: `b${k}`, ...x }))),
  minSupportRatio: fc.constantFrom(0, 0.5, 1),
});

describe('cartonize (property)', () => {
  it('never overlaps, never leaves a box, breaks no flag or weight limit, and accounts for every item', () => {
    fc.assert(
      fc.property(instance, ({ items, boxes, minSupportRatio }) => {
        const result = cartonize(items, boxes, { minSupportRatio });
        expect(validatePacking(result, items, boxes, { minSupportRatio }).violations).toEqual([]);
        // Without a carton cap, an item is left out only when no box could take it alone.
        for (const u of result.unpacked) expect(u.reason).not.toBe('no_room');
      }),
      { numRuns: 200, seed: 20240517 },
    );
  });
});
