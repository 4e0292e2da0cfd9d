import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WhileUsed } from './while-used.js';

describe('WhileUsed', () => {
  // The clock and the idle check on fake time, so a loaded machine cannot stretch a quiet spell.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts on the first use, keeps running while used, stops after the idle time and starts again on the next use', () => {
    const calls: string[] = [];
    const task = new WhileUsed(
      80,
      () => calls.push('start'),
      () => calls.push('stop'),
    );
    expect(calls).toEqual([]);
    task.use();
    task.use();
    expect(calls).toEqual(['start']);
    // Used every 30 ms for 150 ms: never quiet for 80 ms, so it keeps running.
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(30);
      task.use();
    }
    expect(calls).toEqual(['start']);
    vi.advanceTimersByTime(79);
    expect(calls).toEqual(['start']);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['start', 'stop']);
    task.use();
    expect(calls).toEqual(['start', 'stop', 'start']);
    task.close();
    expect(calls).toEqual(['start', 'stop', 'start', 'stop']);
    // Closed: no idle check left to stop it twice.
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['start', 'stop', 'start', 'stop']);
  });

  it('close() on a task that never ran stops nothing', () => {
    let stops = 0;
    const task = new WhileUsed(
      50,
      () => {},
      () => stops++,
    );
    task.close();
    expect(stops).toBe(0);
  });
});
