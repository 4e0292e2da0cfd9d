import { describe, expect, it } from 'vitest';
import { weightToleranceG, weightWithinTolerance } from './weight-check.js';

describe('scale weight check', () => {
  it.each([
    // actual, expected, pct, minG, ok
    [1000, 1000, 5, 20, true],
    [1050, 1000, 5, 20, true],
    [1051, 1000, 5, 20, false],
    [949, 1000, 5, 20, false],
    [115, 100, 5, 20, true], // small parcels: the gram floor applies
    [121, 100, 5, 20, false],
    [100, 100, 0, 0, true],
  ])('%i g against %i g (±%i%%, min %i g) → %s', (actual, expected, pct, minG, ok) => {
    expect(weightWithinTolerance(actual, expected, pct, minG)).toBe(ok);
  });

  it('takes the larger of the share and the floor', () => {
    expect(weightToleranceG(10_000, 2, 50)).toBe(200);
    expect(weightToleranceG(1_000, 2, 50)).toBe(50);
  });
});
