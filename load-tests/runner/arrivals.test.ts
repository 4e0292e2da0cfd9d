import { describe, expect, it } from 'vitest';
import { constantArrivals, rampingArrivals } from './arrivals.js';

describe('constantArrivals', () => {
  it('spaces rate iterations per time unit evenly from 0 and stops before the duration', () => {
    const t = [...constantArrivals(4, 1000, 1000)];
    expect(t).toEqual([0, 250, 500, 750]);
    expect([...constantArrivals(200, 1000, 2000)]).toHaveLength(400);
    expect([...constantArrivals(30, 60_000, 60_000)]).toHaveLength(30);
  });
});

describe('rampingArrivals', () => {
  it('starts as many iterations as the integral of the rate', () => {
    // 0 → 100/s over 2 s (100 iterations) then 100/s for 1 s (100 more)
    const t = [
      ...rampingArrivals(0, 1000, [
        { durationMs: 2000, target: 100 },
        { durationMs: 1000, target: 100 },
      ]),
    ];
    expect(t.length).toBeGreaterThanOrEqual(199);
    expect(t.length).toBeLessThanOrEqual(201);
    expect(t.every((x, i) => i === 0 || x > t[i - 1])).toBe(true);
    // in a linear ramp from 0, half of the first stage's iterations fall after t = D/√2
    const firstStage = t.filter((x) => x < 2000);
    expect(firstStage.filter((x) => x < 2000 / Math.SQRT2).length).toBeCloseTo(50, -1);
  });

  it('handles ramp-down and a constant stage like constantArrivals', () => {
    const down = [...rampingArrivals(100, 1000, [{ durationMs: 1000, target: 0 }])];
    expect(down.length).toBeGreaterThanOrEqual(49);
    expect(down.length).toBeLessThanOrEqual(51);
    expect(down.every((x) => x >= 0 && x < 1000)).toBe(true);
    const flat = [...rampingArrivals(50, 1000, [{ durationMs: 1000, target: 50 }])];
    expect(flat).toEqual([...constantArrivals(50, 1000, 1000)].map((x) => expect.closeTo(x, 6)));
  });
});
