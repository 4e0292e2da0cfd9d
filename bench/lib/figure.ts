/**
 * One measured figure. Every benchmark returns a list of these; the harness (bench/run.ts)
 * adds commit and machine, prints one JSON line per figure and a markdown table, and appends
 * them to bench/results/history.jsonl.
 *
 * `baseline` is the same quantity measured for a reference run in the same command
 * (pgbench, a trivial route, a raw Redis round trip, a best-known solution, a lower bound,
 * a competing package), so that `ratio = value / baseline` survives a noisy shared machine.
 */
export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline: number | null;
  /** What the baseline is, e.g. "pgbench simple-update tps" or "BKS". */
  baselineName?: string;
  ratio: number | null;
}

/** A benchmark module: `bench/<name>/bench.ts` default-exports one of these. */
export interface Benchmark {
  name: string;
  /** Rough wall time in seconds with default options, so `npm run bench` stays under 10 minutes. */
  budgetS: number;
  /**
   * A longer run on request (`npm run bench -- <name> --sustain`): what it holds for how long, and its wall time, which
   * replaces budgetS for the harness's time limits. Never part of a plain `npm run bench`.
   */
  sustain?: { budgetS: number; what: string };
  run(opts: BenchOptions): Promise<Figure[]>;
}

export interface BenchOptions {
  quick?: boolean;
  seed?: number;
  /** The module's sustained variant (only set for modules that declare `sustain`). */
  sustain?: boolean;
}

export function figure(bench: string, metric: string, value: number, unit: string, baseline: number | null, baselineName?: string): Figure {
  return { bench, metric, value, unit, baseline, baselineName, ratio: baseline ? value / baseline : null };
}
