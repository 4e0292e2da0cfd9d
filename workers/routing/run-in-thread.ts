import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RoutingSolution } from '../../domain/routing/routing.schemas.js';
import type { SolveThreadInput, SolveThreadMessage } from './solve-thread.js';

/**
 * Runs one solve in a fresh worker thread so the process's event loop stays free (the API keeps
 * answering, BullMQ keeps renewing the job lock). `cancel()` terminates the thread: the solve is
 * a synchronous loop, so termination is the one way to stop it promptly, and nothing it found is
 * kept (our documented cancel semantics).
 */

export type ThreadOutcome = { kind: 'done'; solution: RoutingSolution } | { kind: 'cancelled' };

export interface SolveRun {
  threadId: number;
  outcome: Promise<ThreadOutcome>;
  cancel(): Promise<void>;
}

const active = new Map<number, Worker>();

// The thread runs the TypeScript sources like the rest of the system: a small bootstrap registers
// tsx's ESM hooks inside the thread first (`execArgv: ['--import', 'tsx']` is not honoured by
// worker threads on Node 20 unless the parent was started by the tsx CLI).
const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const entry = new URL('./solve-thread.ts', import.meta.url).href;
const bootstrap = `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })
  .catch((err) => require('node:worker_threads').parentPort.postMessage({ type: 'error', message: String(err && err.stack || err) }));`;

/** Solver threads alive in this process (tests check that cancel really ends one). */
export function activeSolveThreads(): number {
  return active.size;
}

export function solveInThread(input: SolveThreadInput, onProgress: (bestCost: number | null, elapsedS: number) => void): SolveRun {
  const worker = new Worker(bootstrap, { eval: true, workerData: input });
  active.set(worker.threadId, worker);
  const threadId = worker.threadId;
  let cancelled = false;
  const outcome = new Promise<ThreadOutcome>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: SolveThreadMessage) => {
      if (m.type === 'progress') onProgress(m.bestCost, m.elapsedS);
      else if (m.type === 'done') {
        settled = true;
        resolve({ kind: 'done', solution: m.solution });
      } else if (m.type === 'error') {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      active.delete(threadId);
      if (settled) return;
      if (cancelled) resolve({ kind: 'cancelled' });
      else reject(new Error(`solver thread exited with code ${code}`));
    });
  });
  return {
    threadId,
    outcome,
    async cancel() {
      cancelled = true;
      await worker.terminate();
    },
  };
}
