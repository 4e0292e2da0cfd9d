/**
 * Runs one benchmark module in its own process (spawned by bench/run.ts with an IPC channel), so
 * the harness can stop it at its deadline and each benchmark starts on a fresh heap.
 * argv: <module path> [json options]; also runnable by hand, e.g. under `node --cpu-prof`. Messages: {type:'budget'} after import, then {type:'done'}.
 */
import { pathToFileURL } from 'node:url';
import type { Benchmark, BenchOptions } from './figure.js';

export type ChildMessage =
  { type: 'budget'; name: string; budgetS: number } | { type: 'done'; figures: unknown[] } | { type: 'error'; message: string };

/** To bench/run.ts over IPC; started by hand (no IPC), the messages are printed as JSON lines. */
function send(msg: ChildMessage): Promise<void> {
  if (!process.send) {
    console.log(JSON.stringify(msg));
    return Promise.resolve();
  }
  return new Promise((resolve) => process.send!(msg, () => resolve()));
}

async function main(): Promise<void> {
  const [modulePath, optsJson] = process.argv.slice(2);
  const opts = JSON.parse(optsJson ?? '{}') as BenchOptions;
  const mod = (await import(pathToFileURL(modulePath).href)) as { default?: Benchmark };
  const bench = mod.default;
  if (!bench || typeof bench.run !== 'function' || typeof bench.name !== 'string') {
    throw new Error(`${modulePath} must default-export a Benchmark { name, budgetS, run }`);
  }
  // --sustain applies to the modules that have a sustained variant; the others run as usual.
  if (opts.sustain && !bench.sustain) delete opts.sustain;
  const budgetS = opts.sustain ? bench.sustain!.budgetS : bench.budgetS;
  await send({ type: 'budget', name: bench.name, budgetS });
  // Same rule as run.ts: a full run that no longer fits in the time left becomes a quick one.
  const remainingS = Number(process.env.BENCH_REMAINING_S ?? Infinity);
  if (!opts.quick && budgetS > remainingS) opts.quick = true;
  const figures = await bench.run(opts);
  await send({ type: 'done', figures });
}

main().then(
  () => process.exit(0),
  async (e) => {
    await send({ type: 'error', message: (e as Error)?.stack ?? String(e) });
    process.exit(1);
  },
);
