import { describe, expect, it } from 'vitest';
import type { BoxType, Carton, CartonizeResult, PackItem, PlacedItem } from './types.js';
import { validatePacking, type ViolationKind } from './validate-packing.js';

const boxes: BoxType[] = [{ boxId: 'B', innerLengthMm: 200, innerWidthMm: 100, innerHeightMm: 200, maxWeightG: 1_000, tareG: 100 }];
const cube = (itemId: string, weightG = 100, flags: Partial<PackItem> = {}): PackItem => ({
  itemId,
  lengthMm: 100,
  widthMm: 100,
  heightMm: 100,
  weightG,
  ...flags,
});
const at = (
  itemId: string,
  xMm: number,
  yMm: number,
  zMm: number,
  dims: [number, number, number] = [100, 100, 100],
  orientation: PlacedItem['orientation'] = 'LWH',
): PlacedItem => ({ itemId, xMm, yMm, zMm, lengthMm: dims[0], widthMm: dims[1], heightMm: dims[2], orientation });

function carton(items: PlacedItem[], all: PackItem[]): Carton {
  const vol = items.reduce((s, p) => s + p.lengthMm * p.widthMm * p.heightMm, 0);
  const weight = items.reduce((s, p) => s + all.find((i) => i.itemId === p.itemId)!.weightG, 0);
  return { boxId: 'B', items, fillRate: vol / 4_000_000, grossWeightG: 100 + weight, voidFillMm3: 4_000_000 - vol };
}

function kinds(result: CartonizeResult, items: PackItem[], minSupportRatio?: number): ViolationKind[] {
  return validatePacking(result, items, boxes, { minSupportRatio }).violations.map((v) => v.kind);
}

describe('validatePacking', () => {
  it('accepts a sound packing', () => {
    const items = [cube('a'), cube('b'), cube('c')];
    const r = { cartons: [carton([at('a', 0, 0, 0), at('b', 100, 0, 0), at('c', 0, 0, 100)], items)], unpacked: [] };
    expect(kinds(r, items, 1)).toEqual([]);
  });

  it('finds overlap, an item outside the box, and figures that disagree', () => {
    const items = [cube('a'), cube('b'), cube('c')];
    const r = { cartons: [carton([at('a', 0, 0, 0), at('b', 50, 0, 50), at('c', 150, 0, 0)], items)], unpacked: [] };
    expect(kinds(r, items)).toEqual(['outside_box', 'overlap']);
    const wrong = {
      cartons: [{ ...carton([at('a', 0, 0, 0)], items), grossWeightG: 1 }],
      unpacked: [
        { itemId: 'b', reason: 'no_room' as const },
        { itemId: 'c', reason: 'no_room' as const },
      ],
    };
    expect(kinds(wrong, items)).toEqual(['wrong_figure']);
  });

  it('finds missing, duplicated and unknown items', () => {
    const items = [cube('a'), cube('b')];
    const r = {
      cartons: [carton([at('a', 0, 0, 0), at('a', 100, 0, 0)], [...items, cube('zz')])],
      unpacked: [{ itemId: 'zz', reason: 'no_room' as const }],
    };
    expect(kinds(r, items).sort()).toEqual(['duplicate_item', 'missing_item', 'unknown_item']);
  });

  it('finds a wrong rotation, a turned this-side-up item and weight over the limit', () => {
    const items = [{ ...cube('a', 500, { thisSideUp: true }), heightMm: 50 }, cube('b', 500)];
    const r = { cartons: [carton([at('a', 0, 0, 0, [100, 50, 100], 'LHW'), at('b', 100, 0, 0, [100, 100, 90])], items)], unpacked: [] };
    expect(kinds(r, items).sort()).toEqual(['bad_dimensions', 'bad_dimensions', 'overweight', 'this_side_up']);
  });

  it('finds items above no-stack and heavier items above fragile ones, and weak support', () => {
    const items = [cube('ns', 100, { noStack: true }), cube('fr', 100, { fragile: true }), cube('x', 200), cube('y', 50)];
    const r = {
      cartons: [carton([at('ns', 0, 0, 0), at('fr', 100, 0, 0), at('x', 50, 0, 100), at('y', 100, 0, 110, [100, 100, 50], 'LWH')], items)],
      unpacked: [],
    };
    expect(kinds(r, [...items.slice(0, 3), { ...items[3]!, heightMm: 50 }], 0.5).sort()).toEqual([
      'fragile',
      'no_stack',
      'overlap',
      'unsupported',
    ]);
  });
});
