import { parentPort, workerData } from 'node:worker_threads';
import { runInstanceCurve, type RunOptions } from './run-instance.js';

// Worker-thread entry for `--parallel`: solves the files it is handed, one message per result.
const { files, opts, variants } = workerData as { files: string[]; opts: RunOptions; variants: string[] };
for (const f of files) for (const r of await runInstanceCurve(f, opts, variants)) parentPort!.postMessage(r);
