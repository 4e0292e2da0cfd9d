import { describe, expect, it } from 'vitest';
import { fromLocations } from './from-locations.js';
import { sequencePicks } from './sequence-picks.js';

describe('fromLocations', () => {
  it('groups labelled rack faces into one aisle on their mean centre line', () => {
    const rows = [
      { code: 'A-01-L', xMm: 900, yMm: 1000, aisle: 'A' },
      { code: 'A-01-R', xMm: 2100, yMm: 1000, aisle: 'A' },
      { code: 'A-05-L', xMm: 900, yMm: 9000, aisle: 'A' },
      { code: 'B-02-L', xMm: 3900, yMm: 2000, aisle: 'B' },
      { code: 'B-02-R', xMm: 5100, yMm: 2000, aisle: 'B' },
    ];
    const g = fromLocations(rows, { xMm: 0, yMm: -2000 }, { frontMarginMm: 1000, backMarginMm: 1000 });
    expect(g.layout).toEqual({ aislesXMm: [1300, 4500], crossAislesYMm: [0, 10000] });
    expect(g.locations.get('A-01-R')).toEqual({ aisle: 0, yMm: 1000 });
    expect(g.locations.get('B-02-L')).toEqual({ aisle: 1, yMm: 2000 });
    expect(g.depot).toEqual({ xMm: 0, yMm: 0 });
  });

  it('groups unlabelled rows by equal x and honours given cross aisles', () => {
    const rows = [
      { code: 'L1', xMm: 3000, yMm: 500 },
      { code: 'L2', xMm: 0, yMm: 15000 },
      { code: 'L3', xMm: 3000, yMm: 19000 },
    ];
    const g = fromLocations(rows, { xMm: 0, yMm: 0 }, { crossAislesYMm: [0, 10000, 20000] });
    expect(g.layout).toEqual({ aislesXMm: [0, 3000], crossAislesYMm: [0, 10000, 20000] });
    const picks = ['L1', 'L2', 'L3'].map((c) => g.locations.get(c)!);
    const r = sequencePicks(g.layout, picks, g.depot);
    expect(r.method).toBe('optimal-exact');
    // Up aisle 0 to L2 (15 m), over the back cross aisle to L3 (5 + 3 + 1 m), down aisle 1 to L1 (18.5 m), home (0.5 + 3 m).
    expect(r.lengthMm).toBe(15000 + 9000 + 18500 + 3500);
  });

  it('rejects rows outside the given cross aisles', () => {
    expect(() => fromLocations([{ code: 'X', xMm: 0, yMm: 30000 }], { xMm: 0, yMm: 0 }, { crossAislesYMm: [0, 20000] })).toThrow(
      RangeError,
    );
  });
});
