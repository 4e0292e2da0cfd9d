import { describe, expect, it } from 'vitest';
import { PatternError, expandRackPattern, placeSlots } from './rack-pattern.js';

describe('expandRackPattern', () => {
  it('expands A-01..20-01..05-01..04 into 400 zero-padded codes in order', () => {
    const s = expandRackPattern('A-01..20-01..05-01..04');
    expect(s).toHaveLength(400);
    expect(s[0]).toEqual({ code: 'A-01-01-01', aisle: 'A', bay: 1, level: 1, position: 1 });
    expect(s[1]!.code).toBe('A-01-01-02');
    expect(s[399]).toEqual({ code: 'A-20-05-04', aisle: 'A', bay: 20, level: 5, position: 4 });
    expect(new Set(s.map((x) => x.code)).size).toBe(400);
  });

  it('supports letter ranges, literals and fewer segments', () => {
    expect(expandRackPattern('B..C-1..2').map((s) => s.code)).toEqual(['B-1', 'B-2', 'C-1', 'C-2']);
    expect(expandRackPattern('dock-01..03').map((s) => s.code)).toEqual(['DOCK-01', 'DOCK-02', 'DOCK-03']);
  });

  it('rejects backwards ranges, bad segments and oversized runs', () => {
    expect(() => expandRackPattern('A-20..01')).toThrow(PatternError);
    expect(() => expandRackPattern('A-0$')).toThrow(/neither a literal/);
    expect(() => expandRackPattern('A')).toThrow(/2 to 4 segments/);
    expect(() => expandRackPattern('A..Z-001..999-01..09')).toThrow(/at most/);
  });
});

describe('placeSlots', () => {
  it('puts odd bays on the left face and even bays on the right, facing each other along the aisle', () => {
    const slots = placeSlots(expandRackPattern('A-01..04-01..02'), {
      aisleXMm: 10_000,
      originYMm: 2_000,
      bayWidthMm: 2_700,
      levelHeightMm: 1_500,
      faceOffsetMm: 1_500,
    });
    const at = (code: string) => slots.find((s) => s.code === code)!;
    expect(at('A-01-01')).toMatchObject({ xMm: 8_500, yMm: 3_350, zMm: 0 });
    expect(at('A-02-01')).toMatchObject({ xMm: 11_500, yMm: 3_350 });
    expect(at('A-03-02')).toMatchObject({ xMm: 8_500, yMm: 6_050, zMm: 1_500 });
  });
});
