import { describe, expect, it } from 'vitest';
import { normalQuantile, reorderAdvice, seasonalNaive, tsbForecasts, wape } from './forecast.js';

describe('forecast', () => {
  it('TSB decays for an item that stopped selling and tracks the rate of an intermittent one', () => {
    const stopped = [...Array(20).fill(5), ...Array(30).fill(0)];
    const f = tsbForecasts(stopped);
    expect(f[20]!).toBeGreaterThan(f[50]! * 3);
    const intermittent = Array.from({ length: 200 }, (_, t) => (t % 4 === 0 ? 8 : 0)); // 2 a week on average
    expect(tsbForecasts(intermittent).at(-1)!).toBeCloseTo(2, 0);
  });

  it('knows the normal quantiles a service level needs', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6449, 3);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263, 3);
  });

  it('orders up to cover lead time and review with safety stock when the position falls to the reorder point', () => {
    const history = Array.from({ length: 60 }, (_, t) => 10 + (t % 2 === 0 ? 2 : -2));
    const low = reorderAdvice({ history, leadTimeWeeks: 2, reviewWeeks: 1, serviceLevel: 0.95, onHand: 5, onOrder: 0 });
    expect(low.reorderPoint).toBeGreaterThan(15);
    expect(low.suggestedQty).toBe(low.orderUpTo - 5);
    expect(reorderAdvice({ history, leadTimeWeeks: 2, reviewWeeks: 1, serviceLevel: 0.95, onHand: 500, onOrder: 0 }).suggestedQty).toBe(0);
    const higher = reorderAdvice({ history, leadTimeWeeks: 2, reviewWeeks: 1, serviceLevel: 0.99, onHand: 5, onOrder: 0 });
    expect(higher.safetyStock).toBeGreaterThan(low.safetyStock);
  });

  it('measures WAPE and the seasonal-naive baseline', () => {
    expect(wape([10, 0, 10], [5, 5, 10])).toBe(0.5);
    expect(seasonalNaive([1, 2, 3, 4], 3, 2)).toBe(2);
  });
});
