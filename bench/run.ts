/**
 * `npm run bench [-- <name>…] [--quick] [--sustain] [--seed N] [--max-s S] [--list]`
 * Runs every `bench/<name>/bench.ts` one after another, each in its own process, prints one JSON
 * line per figure on stdout, then a markdown table, and appends the figures to
 * bench/results/history.jsonl. The whole run keeps to --max-s: a benchmark whose budgetS no longer
 * fits runs in quick mode, and one that overruns its share is stopped. The default fits every module
 * at full size (2,400 s: the budgets add up to about 29 minutes), so a plain run prints every figure;
 * with --quick it is 570 s. --sustain runs the sustained variant of the modules that have one
 * (`Benchmark.sustain`, with its own budget) and also defaults to 2,400 s.
 */
import '../scripts/lib/dev-env.js';
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './lib/child.js';
import { discoverBenchmarks, type BenchEntry } from './lib/discover.js';
import type { BenchOptions, Figure } from './lib/figure.js';
import { figureLine, figureProblems, markdownTable } from './lib/format.js';
import { appendHistory, type HistoryRecord } from './lib/history.js';
import { currentCommit, machineDescription } from './lib/machine.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const historyPath = join(benchDir, 'results', 'history.jsonl');
const childPath = join(benchDir, 'lib', 'child.ts');
/** Time kept back for each benchmark still waiting, so one slow module cannot starve the rest. */
const RESERVE_PER_BENCH_S = 15;

interface Args {
  names: string[];
  quick: boolean;
  sustain: boolean;
  seed?: number;
  maxS: number;
  list: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { names: [], quick: false, sustain: false, maxS: NaN, list: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--quick') a.quick = true;
    else if (x === '--sustain') a.sustain = true;
    else if (x === '--list') a.list = true;
    else if (x === '--seed') a.seed = Number(argv[++i]);
    else if (x === '--max-s') a.maxS = Number(argv[++i]);
    else if (x.startsWith('-')) throw new Error(`unknown flag ${x}`);
    else a.names.push(x);
  }
  // A plain run is the full-size one: a smaller default silently turned the last modules quick or skipped them.
  if (Number.isNaN(a.maxS)) a.maxS = a.quick ? 570 : 2400;
  return a;
}

let running: number | undefined;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// The child is in its own process group, so Ctrl-C on the harness must end it explicitly.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killGroup(running);
    process.exit(130);
  });
}

interface Outcome {
  figures: Figure[];
  quick: boolean;
  error?: string;
  seconds: number;
}

function runOne(entry: BenchEntry, opts: BenchOptions, remainingS: number, reserveS: number): Promise<Outcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let quick = !!opts.quick;
    let settled = false;
    let figures: Figure[] = [];
    let error: string | undefined;
    // Benchmarks' own output goes to stderr so stdout carries only figures and the table.
    const child = fork(childPath, [entry.path, JSON.stringify(opts)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', process.stderr, process.stderr, 'ipc'],
      // Own process group, so a stop also ends what the benchmark started (pgbench, servers).
      detached: true,
      env: { ...process.env, BENCH_REMAINING_S: String(Math.max(0, remainingS - reserveS)) },
    });
    const kill = (why: string) => {
      if (settled) return;
      error = why;
      killGroup(child.pid);
    };
    running = child.pid;
    let timer = setTimeout(() => kill('did not load within 120 s'), Math.min(120, remainingS) * 1000);
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'budget') {
        clearTimeout(timer);
        const availableS = remainingS - reserveS;
        if (!quick && msg.budgetS > availableS) quick = true; // child.ts applies the same rule
        const limitS = Math.min(remainingS, Math.max(2 * msg.budgetS, msg.budgetS + 30));
        console.error(
          `bench: ${entry.name}: budget ${msg.budgetS} s${quick && !opts.quick ? ' (over the time left: quick mode)' : ''}, stopped after ${Math.round(limitS)} s`,
        );
        timer = setTimeout(() => kill(`stopped after ${Math.round(limitS)} s (budget ${msg.budgetS} s)`), limitS * 1000);
      } else if (msg.type === 'done') {
        const bad = msg.figures.flatMap((f, i) => figureProblems(f).map((p) => `figure ${i}: ${p}`));
        if (bad.length) error = `malformed figures: ${bad.join('; ')}`;
        else figures = msg.figures as Figure[];
      } else if (msg.type === 'error') error = msg.message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running = undefined;
      settled = true;
      if (!error && figures.length === 0 && code !== 0) error = `exited with ${code ?? signal}`;
      resolve({ figures, quick, error, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const entries = discoverBenchmarks(benchDir, args.names);
  if (args.list) {
    for (const e of entries) console.log(e.name);
    return 0;
  }
  const commit = currentCommit(benchDir);
  const machine = machineDescription();
  const time = new Date().toISOString();
  const start = performance.now();
  const all: Figure[] = [];
  const failures: string[] = [];
  console.error(`bench: ${entries.length} benchmark(s) on ${machine} at ${commit}: ${entries.map((e) => e.name).join(', ')}`);
  // A run with an environment override (a feature flag, a threshold) says so in its history lines.
  const note = process.env.BENCH_NOTE ? { note: process.env.BENCH_NOTE } : {};
  for (const [i, entry] of entries.entries()) {
    const remainingS = args.maxS - (performance.now() - start) / 1000;
    const reserveS = RESERVE_PER_BENCH_S * (entries.length - i - 1);
    if (remainingS < 5) {
      failures.push(`${entry.name}: skipped, the ${args.maxS} s limit was reached`);
      continue;
    }
    const outcome = await runOne(entry, { quick: args.quick, seed: args.seed, sustain: args.sustain || undefined }, remainingS, reserveS);
    console.error(
      `bench: ${entry.name}: ${outcome.figures.length} figure(s) in ${outcome.seconds.toFixed(1)} s${outcome.error ? ' — FAILED' : ''}`,
    );
    if (outcome.error) failures.push(`${entry.name}: ${outcome.error.split('\n').slice(0, 6).join('\n  ')}`);
    const records: HistoryRecord[] = [];
    for (const f of outcome.figures) {
      console.log(figureLine(f, commit, machine));
      records.push({ ...JSON.parse(figureLine(f, commit, machine)), time, quick: outcome.quick, ...note } as HistoryRecord);
      all.push(f);
    }
    appendHistory(historyPath, records);
  }
  console.log('');
  console.log(markdownTable(all));
  const missingRatio = all.filter((f) => f.ratio === null);
  if (missingRatio.length)
    console.error(
      `bench: ${missingRatio.length} figure(s) without a baseline ratio: ${missingRatio.map((f) => `${f.bench}/${f.metric}`).join(', ')}`,
    );
  console.error(`bench: done in ${((performance.now() - start) / 1000).toFixed(1)} s; history appended to ${historyPath}`);
  if (failures.length) {
    console.error(`bench: ${failures.length} failure(s):\n- ${failures.join('\n- ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error((e as Error).message ?? e);
    process.exit(2);
  },
);
