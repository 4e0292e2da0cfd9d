import { parentPort, workerData } from 'node:worker_threads';
import { solve, type SolveOptions } from '../../domain/routing/solver.js';
import type { RoutingProblemInput } from '../../domain/routing/routing.schemas.js';

/**
 * Worker-thread entry: solves one problem and posts `progress` messages (at most every
 * `progressEveryMs`) and one `done` or `error` message. The solve is synchronous, so the only way
 * to stop it early from outside is `Worker.terminate()` (see run-in-thread.ts).
 */
export interface SolveThreadInput {
  problem: RoutingProblemInput;
  options: Pick<SolveOptions, 'seed' | 'timeLimitS' | 'maxIterations' | 'initialRoutes'>;
  progressEveryMs: number;
}

export type SolveThreadMessage =
  | { type: 'progress'; bestCost: number; elapsedS: number }
  | { type: 'done'; solution: ReturnType<typeof solve> }
  | { type: 'error'; message: string };

const { problem, options, progressEveryMs } = workerData as SolveThreadInput;
const post = (m: SolveThreadMessage) => parentPort!.postMessage(m);
let lastPostMs = Number.NEGATIVE_INFINITY;
try {
  const solution = solve(problem, {
    ...options,
    onProgress: (bestCost, elapsedS) => {
      const now = performance.now();
      if (now - lastPostMs < progressEveryMs) return;
      lastPostMs = now;
      post({ type: 'progress', bestCost, elapsedS });
    },
  });
  post({ type: 'done', solution });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
