import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { solve, type SolveOptions } from './solver.js';
import { createSharedBest, DONE_INDEX } from './shared-best.js';
import type { RoutingProblemInput, RoutingSolution } from './routing.schemas.js';

/**
 * The solver on several cores: the calling thread runs solve() while `threads - 1` worker
 * threads run the same search with other seeds; all of them share their best plan through a
 * SharedArrayBuffer (shared-best.ts), every epoch restarts from the cheapest one, and the call
 * returns the cheapest plan found by any thread. With threads = 1 it is solve().
 *
 * The helpers get the same deadline (wall clock), or the same iteration budget; a helper that
 * has not booted by then is stopped and simply contributes nothing. Results depend on thread
 * timing: use solve() when a run must be reproducible from its seed.
 */

export interface HelperInput {
  problem: RoutingProblemInput;
  options: SolveOptions;
  /** Date.now() at which the main search stops (time budget). */
  deadlineMs: number;
}

// Callbacks cannot cross threads; the helper gets the plain options only.
function plainOptions(o: SolveOptions): SolveOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v !== 'function' && k !== 'shared') out[k] = v;
  return out as SolveOptions;
}

// Under tsx (the sources run as TypeScript), the thread registers tsx's loader before importing
// its entry, since worker threads on Node 20 do not inherit the parent's --import hooks. A helper
// that fails to boot marks itself done in the shared buffer, so the main search never waits for it.
function bootstrap(): string {
  const ts = import.meta.url.endsWith('.ts');
  const entry = JSON.stringify(new URL(ts ? './parallel-thread.ts' : './parallel-thread.js', import.meta.url).href);
  const failed = `.catch(() => { const { workerData } = require('node:worker_threads'); const h = new Int32Array(workerData.shared.buffer, 0, 6); Atomics.add(h, ${DONE_INDEX}, 1); Atomics.notify(h, ${DONE_INDEX}); })`;
  if (!ts) return `import(${entry})${failed};`;
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${entry}); })${failed};`;
}

/** solve() on `options.threads` threads (default: the machine's cores, at most 4). */
export async function solveParallel(input: RoutingProblemInput, options: SolveOptions = {}): Promise<RoutingSolution> {
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(availableParallelism(), 4), 16));
  if (threads === 1) return solve(input, options);
  const shared = createSharedBest(input.jobs.length, input.vehicles.length);
  const timeLimitS = options.timeLimitS ?? 10;
  const byIterations = options.maxIterations !== undefined && Number.isFinite(options.maxIterations);
  const deadlineMs = Date.now() + timeLimitS * 1000;
  const seed = options.seed ?? 1;
  const workers: Worker[] = [];
  const code = bootstrap();
  for (let h = 1; h < threads; h++) {
    const data: HelperInput & { shared: typeof shared } = {
      problem: input,
      // A seed of its own per helper, far from the main one.
      options: { ...plainOptions(options), seed: seed + 7919 * h },
      deadlineMs,
      shared,
    };
    const w = new Worker(code, { eval: true, workerData: data });
    // A helper that fails only takes its contribution with it.
    w.on('error', () => {});
    workers.push(w);
  }
  try {
    return solve(input, {
      ...options,
      shared: {
        buffer: shared,
        role: 'main',
        helpers: threads - 1,
        // With an iteration budget the helpers do as many iterations as the main search: wait
        // for them (they started a thread-boot later); on the clock they stop at the same deadline.
        // Same with a CPU-time budget: a helper's budget runs on its own thread's clock.
        graceMs: byIterations || options.clock === 'thread-cpu' ? 10 * 60_000 : 250,
      },
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
