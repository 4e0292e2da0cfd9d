import { parentPort, workerData } from 'node:worker_threads';
import { runInstance, type RunOptions } from './run-instance.js';

// Worker-thread entry for `--parallel`: solves the files it is handed, one message per result.
const { files, opts } = workerData as { files: string[]; opts: RunOptions };
for (const f of files) parentPort!.postMessage(runInstance(f, opts));
