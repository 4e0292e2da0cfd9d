import { describe, expect, it } from 'vitest';
import { daysInMonth, gs1DateToIso, gs1FullYear } from './gs1-dates.js';

describe('GS1 century rule (§7.12)', () => {
  it.each([
    [2025, 75, 2075], // diff 50 → current century
    [2025, 76, 1976], // diff 51 → previous
    [2025, 0, 2000],
    [2025, 99, 1999],
    [2080, 30, 2130], // diff -50 → next century
    [2080, 31, 2031], // diff -49 → current
    [2099, 1, 2101],
    [2000, 50, 2050],
    [2000, 51, 1951],
  ])('seen in %i, YY=%i → %i', (ref, yy, year) => {
    expect(gs1FullYear(yy, ref)).toBe(year);
  });
});

describe('gs1DateToIso', () => {
  it('resolves DD=00 to the last day of the month when allowed', () => {
    expect(gs1DateToIso('240200', 2025, true)).toEqual({ iso: '2024-02-29' });
    expect(gs1DateToIso('250200', 2025, true)).toEqual({ iso: '2025-02-28' });
    expect(gs1DateToIso('251200', 2025, true)).toEqual({ iso: '2025-12-31' });
    expect(gs1DateToIso('000200', 2025, true)).toEqual({ iso: '2000-02-29' });
    expect(gs1DateToIso('250400', 2025, true)).toEqual({ iso: '2025-04-30' });
  });

  it('rejects DD=00 where not allowed, impossible days and months', () => {
    expect(gs1DateToIso('250200', 2025, false)).toHaveProperty('reason');
    expect(gs1DateToIso('250230', 2025, true)).toHaveProperty('reason');
    expect(gs1DateToIso('230229', 2025, true)).toHaveProperty('reason');
    expect(gs1DateToIso('251301', 2025, true)).toHaveProperty('reason');
    expect(gs1DateToIso('250001', 2025, true)).toHaveProperty('reason');
    expect(gs1DateToIso('25011', 2025, true)).toHaveProperty('reason');
  });

  it('knows month lengths', () => {
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2025, 11)).toBe(30);
  });
});
