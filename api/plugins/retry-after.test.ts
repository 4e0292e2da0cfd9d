import { describe, expect, it } from 'vitest';
import { RetryAfter } from './retry-after.js';

describe('RetryAfter', () => {
  it('grows while an overload lasts and starts again after a second without refusals', () => {
    let t = 10_000;
    const r = new RetryAfter(() => t);
    expect(r.seconds()).toBe(1);
    // Each second: 100 admitted, 300 refused (a process at a quarter of the offered rate).
    const asked: number[] = [];
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 100; i++) r.admitted();
      for (let i = 0; i < 300; i++) r.refused();
      asked.push(r.seconds());
      t += 1000;
    }
    // 300, 600, 900, 1,200 refused so far over 100 admitted in this second, 200 once the previous second counts too.
    expect(asked).toEqual([3, 3, 5, 6]);
    // Still refusing: keeps growing, up to the cap.
    for (let s = 0; s < 20; s++) {
      for (let i = 0; i < 100; i++) r.admitted();
      for (let i = 0; i < 300; i++) r.refused();
      t += 1000;
    }
    expect(r.seconds()).toBe(30);
    // A whole second with admissions only: the overload is over.
    for (let i = 0; i < 100; i++) r.admitted();
    t += 1000;
    r.admitted();
    expect(r.seconds()).toBe(1);
    r.refused();
    expect(r.seconds()).toBe(1);
  });

  it('asks for at least a second when nothing is admitted at all', () => {
    let t = 0;
    const r = new RetryAfter(() => t);
    r.refused();
    expect(r.seconds()).toBe(1);
    for (let i = 0; i < 50; i++) r.refused();
    expect(r.seconds()).toBe(30);
    // Seconds without a request at all: nothing was refused in them, so that overload is over.
    t += 5000;
    expect(r.seconds()).toBe(1);
  });
});
