import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { solve, type SolveOptions } from '../../domain/routing/solver.js';
import type { RoutingProblemInput } from '../../domain/routing/routing.schemas.js';

/**
 * Worker-thread entry: solves one problem and posts `progress` messages (at most every
 * `progressEveryMs`) and one `done` or `error` message. The solve is synchronous, so the only way
 * to stop it early from outside is `Worker.terminate()` (see run-in-thread.ts).
 *
 * The solver reports a cost only on a new best after its fleet-minimisation phase, which can be
 * long (40% of the budget when vehicles have fixed costs); its `shouldStop` poll doubles as a
 * heartbeat so the dispatcher sees the solve alive (bestCost null) until the first cost arrives.
 */
export interface SolveThreadInput {
  problem: RoutingProblemInput;
  options: Pick<SolveOptions, 'seed' | 'timeLimitS' | 'maxIterations' | 'initialRoutes'>;
  progressEveryMs: number;
  /** Nice value for the solver thread (0 = normal priority, 19 = lowest). */
  niceness: number;
}

export type SolveThreadMessage =
  | { type: 'progress'; bestCost: number | null; elapsedS: number }
  | { type: 'done'; solution: ReturnType<typeof solve> }
  | { type: 'error'; message: string };

const { problem, options, progressEveryMs, niceness } = workerData as SolveThreadInput;

// Background priority for this thread only (Linux: setpriority on the thread id applies to that
// thread), so on a busy machine the process's event loop wins the CPU over the solver. Best effort.
if (niceness > 0) {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, niceness);
  } catch {
    // not Linux, or not permitted: run at normal priority
  }
}
const post = (m: SolveThreadMessage) => parentPort!.postMessage(m);
const t0 = performance.now();
let best: number | null = null;
let lastPostMs = t0;
const report = (force: boolean) => {
  const now = performance.now();
  if (!force && now - lastPostMs < progressEveryMs) return;
  lastPostMs = now;
  post({ type: 'progress', bestCost: best, elapsedS: (now - t0) / 1000 });
};
try {
  const solution = solve(problem, {
    ...options,
    onProgress: (bestCost) => {
      const first = best === null;
      best = bestCost;
      report(first);
    },
    shouldStop: () => {
      report(false);
      return false;
    },
  });
  post({ type: 'done', solution });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
