import { describe, expect, it } from 'vitest';
import { cartonize } from './cartonize.js';
import { expandLines } from './expand-lines.js';
import type { BoxType, PackItem } from './types.js';
import { validatePacking } from './validate-packing.js';

const box = (boxId: string, l: number, w: number, h: number, maxWeightG = 10_000, tareG = 100): BoxType => ({
  boxId,
  innerLengthMm: l,
  innerWidthMm: w,
  innerHeightMm: h,
  maxWeightG,
  tareG,
});
const item = (itemId: string, l: number, w: number, h: number, weightG = 100, flags: Partial<PackItem> = {}): PackItem => ({
  itemId,
  lengthMm: l,
  widthMm: w,
  heightMm: h,
  weightG,
  ...flags,
});

function sound(items: PackItem[], boxes: BoxType[], minSupportRatio = 0.5) {
  const result = cartonize(items, boxes, { minSupportRatio });
  expect(validatePacking(result, items, boxes, { minSupportRatio }).violations).toEqual([]);
  return result;
}

describe('cartonize', () => {
  it('rotates a long item to lie along the only axis long enough', () => {
    const boxes = [box('tall', 50, 50, 300)];
    const r = sound([item('rod', 300, 40, 40)], boxes);
    expect(r.cartons).toHaveLength(1);
    const p = r.cartons[0]!.items[0]!;
    expect([p.lengthMm, p.widthMm, p.heightMm]).toEqual([40, 40, 300]);
    expect(p.orientation[2]).toBe('L');
  });

  it('keeps a this-side-up item upright, so it needs the bigger box', () => {
    const boxes = [box('flat', 300, 50, 50), box('tall', 60, 60, 310)];
    const free = sound([item('bottle', 40, 40, 300)], boxes);
    expect(free.cartons[0]!.boxId).toBe('flat');
    const upright = sound([item('bottle', 40, 40, 300, 100, { thisSideUp: true })], boxes);
    expect(upright.cartons[0]!.boxId).toBe('tall');
    expect(upright.cartons[0]!.items[0]!.heightMm).toBe(300);
  });

  it('reports a this-side-up item unpacked when it only fits lying down', () => {
    const r = sound([item('bottle', 40, 40, 300, 100, { thisSideUp: true })], [box('flat', 300, 50, 50)]);
    expect(r.unpacked).toEqual([{ itemId: 'bottle', reason: 'too_large_for_any_box' }]);
  });

  it('opens a second box when the weight limit, not the room, is reached', () => {
    const boxes = [box('b', 400, 400, 400, 5_000, 200)];
    const items = [item('a', 100, 100, 100, 2_000), item('b', 100, 100, 100, 2_000), item('c', 100, 100, 100, 2_000)];
    const r = sound(items, boxes);
    expect(r.cartons).toHaveLength(2);
    for (const c of r.cartons) expect(c.grossWeightG).toBeLessThanOrEqual(5_000);
    expect(r.cartons.map((c) => c.items.length).sort()).toEqual([1, 2]);
  });

  it('lists an item too big for every box as unpacked and packs the rest', () => {
    const r = sound([item('sofa', 2000, 900, 800), item('mug', 100, 100, 100)], [box('s', 200, 200, 200), box('m', 400, 300, 300)]);
    expect(r.unpacked).toEqual([{ itemId: 'sofa', reason: 'too_large_for_any_box' }]);
    expect(r.cartons).toHaveLength(1);
    expect(r.cartons[0]!.boxId).toBe('s');
  });

  it('lists an item too heavy for every box it fits in, and invalid dimensions', () => {
    const r = sound([item('anvil', 100, 100, 100, 50_000), item('ghost', 0, 10, 10)], [box('s', 200, 200, 200)]);
    expect(r.unpacked).toEqual([
      { itemId: 'anvil', reason: 'too_heavy_for_any_box' },
      { itemId: 'ghost', reason: 'invalid_dimensions' },
    ]);
    expect(r.cartons).toEqual([]);
  });

  it('chooses the smallest box that holds everything and fills it exactly when the items tile it', () => {
    const boxes = [box('big', 400, 400, 400), box('exact', 200, 200, 100), box('small', 100, 100, 100)];
    const items = [item('a', 100, 100, 100), item('b', 100, 100, 100), item('c', 100, 100, 100), item('d', 100, 100, 100)];
    const r = sound(items, boxes);
    expect(r.cartons).toHaveLength(1);
    expect(r.cartons[0]!.boxId).toBe('exact');
    expect(r.cartons[0]!.fillRate).toBe(1);
    expect(r.cartons[0]!.voidFillMm3).toBe(0);
  });

  it('uses as few boxes as the volume allows, then shrinks the last one', () => {
    const boxes = [box('small', 100, 100, 100), box('large', 200, 200, 200)];
    const items = Array.from({ length: 9 }, (_, k) => item(`u${k}`, 100, 100, 100));
    const r = sound(items, boxes);
    expect(r.cartons.map((c) => c.boxId).sort()).toEqual(['large', 'small']);
  });

  it('puts nothing on a no-stack item and nothing heavier on a fragile one', () => {
    const boxes = [box('b', 200, 100, 200)];
    const items = [
      item('cake', 100, 100, 100, 500, { noStack: true, thisSideUp: true }),
      item('glass', 100, 100, 100, 300, { fragile: true, thisSideUp: true }),
      item('book', 100, 100, 100, 900, { thisSideUp: true }),
      item('pad', 100, 100, 100, 200, { thisSideUp: true }),
    ];
    const r = sound(items, boxes);
    expect(r.cartons).toHaveLength(1);
    const at = (id: string) => r.cartons[0]!.items.find((p) => p.itemId === id)!;
    expect(at('cake').zMm).toBe(100); // only the top layer keeps it clear of anything above
    expect(at('book').zMm).toBe(0); // heavier than the glass, so not on it
  });

  it('is deterministic', () => {
    const items = expandLines([
      { sku: 'A', lengthMm: 120, widthMm: 80, heightMm: 50, weightG: 300, qty: 5 },
      { sku: 'B', lengthMm: 60, widthMm: 60, heightMm: 200, weightG: 700, qty: 3 },
    ]);
    const boxes = [box('m', 300, 200, 150), box('l', 400, 300, 250)];
    expect(cartonize(items, boxes)).toEqual(cartonize(items, boxes));
  });

  it('caps the carton count and reports the rest as no room', () => {
    const items = Array.from({ length: 3 }, (_, k) => item(`u${k}`, 100, 100, 100));
    const r = cartonize(items, [box('one', 100, 100, 100)], { maxCartons: 2 });
    expect(r.cartons).toHaveLength(2);
    expect(r.unpacked).toEqual([{ itemId: 'u2', reason: 'no_room' }]);
  });
});

describe('expandLines', () => {
  it('gives each unit its own id, unique across lines of the same SKU', () => {
    const units = expandLines([
      { sku: 'A', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1, qty: 2 },
      { sku: 'A', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1, qty: 1, fragile: true },
    ]);
    expect(units.map((u) => u.itemId)).toEqual(['A#1', 'A#2', 'A#3']);
    expect(units[2]!.fragile).toBe(true);
  });
});
