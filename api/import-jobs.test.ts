import { describe, expect, it, vi } from 'vitest';
import { ImportJobs } from './import-jobs.js';

describe('ImportJobs', () => {
  it('enqueues one job per batch of stored deliveries, naming the first, and the rest after the interval', () => {
    vi.useFakeTimers();
    try {
      const jobs: string[] = [];
      const j = new ImportJobs((id) => jobs.push(id), 5, 50);
      j.stored(['a', 'b', 'c']);
      j.stored(['d', 'e', 'f', 'g']);
      expect(jobs).toEqual(['a']);
      j.stored([]);
      vi.advanceTimersByTime(49);
      expect(jobs).toEqual(['a']);
      vi.advanceTimersByTime(1);
      expect(jobs).toEqual(['a', 'f']);
      vi.advanceTimersByTime(500);
      expect(jobs).toEqual(['a', 'f']);
      j.stored(['h']);
      j.flush();
      j.flush();
      expect(jobs).toEqual(['a', 'f', 'h']);
    } finally {
      vi.useRealTimers();
    }
  });
});
