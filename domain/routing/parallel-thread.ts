import { workerData } from 'node:worker_threads';
import { solve } from './solver.js';
import type { HelperInput } from './parallel.js';
import { SharedBest, type SharedBestBuffer } from './shared-best.js';

// Helper search thread of solveParallel (parallel.ts): searches until the main search's
// deadline (or its own iteration budget), publishing its bests in the shared buffer.
const { problem, options, deadlineMs, shared } = workerData as HelperInput & { shared: SharedBestBuffer };
const leftS = Math.max(0, (deadlineMs - Date.now()) / 1000);
try {
  solve(problem, {
    ...options,
    timeLimitS:
      options.maxIterations !== undefined && Number.isFinite(options.maxIterations)
        ? Number.POSITIVE_INFINITY
        : options.clock === 'thread-cpu'
          ? options.timeLimitS
          : leftS,
    shared: { buffer: shared, role: 'helper', helpers: 0, graceMs: 0 },
  });
} catch {
  // The main search must not wait for a helper that failed.
  new SharedBest(shared).done();
}
