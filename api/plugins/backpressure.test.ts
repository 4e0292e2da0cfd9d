import { describe, expect, it } from 'vitest';
import { TurnClock } from './backpressure.js';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Keeps this thread busy until it has used `ms` of CPU (on a loaded machine that takes longer on the wall clock). */
const hold = (ms: number) => {
  const until = cpuMs() + ms;
  while (cpuMs() < until);
};

describe('TurnClock', () => {
  it('reads how long the event loop has been held since it last ran its timers, and goes back to under a tick', async () => {
    const clock = new TurnClock(5);
    try {
      await new Promise((r) => setTimeout(r, 20));
      expect(clock.heldMs()).toBeLessThan(20);
      hold(60);
      // Still in the same turn: the loop has not been back to its timers.
      expect(clock.heldMs()).toBeGreaterThanOrEqual(60);
      await new Promise((r) => setTimeout(r, 12));
      expect(clock.heldMs()).toBeLessThan(20);
    } finally {
      clock.stop();
    }
  });

  it('does not count a pause off the CPU (a process the kernel did not run) as a held loop', async () => {
    const clock = new TurnClock(5);
    try {
      await new Promise((r) => setTimeout(r, 20));
      // Blocks this thread without using the CPU, as a descheduled process would be.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
      expect(clock.heldMs(0)).toBeLessThan(20);
      // Below `atLeast` the wall clock alone answers.
      expect(clock.heldMs(1000)).toBeGreaterThanOrEqual(60);
    } finally {
      clock.stop();
    }
  });

  it('reads the CPU clock once in a turn that has reached `atLeast`, however many requests ask after it', async () => {
    let reads = 0;
    const clock = new TurnClock(5, () => {
      reads++;
      return cpuMs();
    });
    try {
      await new Promise((r) => setTimeout(r, 20));
      reads = 0;
      hold(30);
      expect(clock.heldMs(20)).toBeGreaterThanOrEqual(20);
      for (let i = 0; i < 5; i++) {
        // Past the once-a-millisecond limit between asks: only the turn having reached 20 ms spares the reading.
        hold(2);
        expect(clock.heldMs(20)).toBeGreaterThanOrEqual(20);
      }
      expect(reads).toBe(1);
      // The next turn starts from nothing.
      await new Promise((r) => setTimeout(r, 12));
      expect(clock.heldMs(20)).toBeLessThan(20);
    } finally {
      clock.stop();
    }
  });
});
