import { describe, expect, it } from 'vitest';
import { AdmissionLimit } from './admission-limit.js';

describe('AdmissionLimit', () => {
  it('follows what the process finishes: throughput × target, between the floor and the cap', () => {
    let t = 50_000;
    const a = new AdmissionLimit({ targetMs: 50, min: 8, max: 256 }, () => t);
    expect(a.limit()).toBe(8);
    // 2,000 answers/s for a second: 2 per ms × 50 ms.
    for (let ms = 0; ms < 1000; ms++, t++) for (let k = 0; k < 2; k++) a.completed();
    expect(a.limit()).toBe(100);
    // Then 400/s: the last second's figure, so the limit comes down with it.
    for (let ms = 0; ms < 1000; ms++, t++) if (ms % 5 < 2) a.completed();
    expect(a.limit()).toBe(20);
    // 20,000/s would allow 1,000 in flight: the cap holds.
    for (let ms = 0; ms < 1000; ms++, t++) for (let k = 0; k < 20; k++) a.completed();
    expect(a.limit()).toBe(256);
    // Idle for longer than the window: back to the floor.
    t += 5_000;
    expect(a.limit()).toBe(8);
  });

  it('lets a burst through but refuses an excess that stands for the target time, and stays strict while refusing', () => {
    let t = 1_000;
    const a = new AdmissionLimit({ targetMs: 50, min: 4, max: 256 }, () => t);
    // Under the limit: admitted.
    expect(a.admits(3)).toBe(true);
    // A burst over it on an idle process: admitted while the excess is younger than the target time.
    expect([4, 5, 6, 7, 8].map((n) => a.admits(n))).toEqual([true, true, true, true, true]);
    t += 49;
    expect(a.admits(9)).toBe(true);
    // Still over 50 ms later: refused.
    t += 1;
    expect(a.admits(9)).toBe(false);
    // It drained under the limit; the next excess within the target time of the refusal is refused at once.
    expect(a.admits(2)).toBe(true);
    t += 10;
    expect(a.admits(4)).toBe(false);
    // A burst long after the last refusal is let through again.
    expect(a.admits(1)).toBe(true);
    t += 1_000;
    expect(a.admits(6)).toBe(true);
  });
});
