/**
 * Runs one k6 script in this process: installs the k6 globals and module shims, imports the
 * script, runs setup → scenarios → teardown, then the summary and thresholds.
 * Exit codes follow k6: 0 ok, 99 thresholds crossed, 104 invalid config, 107 script error, 108 aborted.
 */
import { createWriteStream, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { register } from 'node:module';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { runScenario, type Driver, type ScenarioRun, type Vu } from './executors.js';
import { DEFAULT_TREND_STATS, type Series, type Tags } from './metrics.js';
import { runtime, type VuContext } from './runtime.js';
import { scenariosFromOptions, type ScenarioSpec } from './scenarios.js';
import { buildSummary, textSummary, type ThresholdConfig } from './summary.js';
import { parseMetricKey, parseThreshold, thresholdPasses } from './thresholds.js';
import { aggregate, selectValues } from './metrics.js';

export interface RunOptions {
  scriptPath: string;
  env: Record<string, string>;
  /** `--out json=<file>`: every sample as k6's JSON output lines. */
  outJsonPath?: string;
}

export const EXIT = { ok: 0, thresholds: 99, config: 104, script: 107, aborted: 108 } as const;

function installGlobals(env: Record<string, string>, scriptDir: string): void {
  const rt = runtime();
  const g = globalThis as Record<string, unknown>;
  g.__ENV = env;
  Object.defineProperty(globalThis, '__VU', { configurable: true, get: () => rt.als.getStore()?.vuId ?? 0 });
  Object.defineProperty(globalThis, '__ITER', { configurable: true, get: () => rt.als.getStore()?.vuIteration ?? 0 });
  // k6's init-context open(): files relative to the script.
  g.open = (path: string, mode?: string) => {
    const buf = readFileSync(resolve(scriptDir, path));
    return mode === 'b' ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) : buf.toString('utf8');
  };
}

function defineBuiltins(): void {
  const m = runtime().metrics;
  m.define('http_reqs', 'counter');
  m.define('http_req_duration', 'trend', 'time');
  m.define('http_req_waiting', 'trend', 'time');
  m.define('http_req_receiving', 'trend', 'time');
  m.define('http_req_failed', 'rate');
  m.define('iterations', 'counter');
  m.define('iteration_duration', 'trend', 'time');
  m.define('dropped_iterations', 'counter');
  m.define('checks', 'rate');
  m.define('group_duration', 'trend', 'time');
  m.define('vus', 'gauge');
  m.define('vus_max', 'gauge');
  m.define('data_received', 'counter', 'data');
  m.define('data_sent', 'counter', 'data');
}

function jsonOutput(path: string): WriteStream {
  const out = createWriteStream(path);
  const seen = new Set<string>();
  runtime().metrics.listener = (s: Series, value: number, tags: Tags) => {
    if (!seen.has(s.name)) {
      seen.add(s.name);
      out.write(JSON.stringify({ type: 'Metric', metric: s.name, data: { name: s.name, type: s.type, contains: s.contains } }) + '\n');
    }
    out.write(JSON.stringify({ type: 'Point', metric: s.name, data: { time: new Date().toISOString(), value, tags } }) + '\n');
  };
  return out;
}

let hooksRegistered = false;

/** Runs the script and returns its exit code; prints the summary (or writes handleSummary's outputs). */
export async function runScript(opts: RunOptions): Promise<number> {
  const rt = runtime();
  const scriptPath = resolve(opts.scriptPath);
  if (!hooksRegistered) {
    register(new URL('./hooks.mjs', import.meta.url));
    hooksRegistered = true;
  }
  installGlobals(opts.env, dirname(scriptPath));
  defineBuiltins();

  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(scriptPath).href)) as Record<string, unknown>;
  } catch (e) {
    console.error(`ERRO could not load ${scriptPath}: ${(e as Error).stack ?? e}`);
    return EXIT.script;
  }
  const options = (mod.options ?? {}) as Record<string, unknown>;
  let scenarios: ScenarioSpec[];
  const thresholds = (options.thresholds ?? {}) as ThresholdConfig;
  const trendStats = (options.summaryTrendStats as string[] | undefined) ?? DEFAULT_TREND_STATS;
  try {
    scenarios = scenariosFromOptions(options);
    for (const sc of scenarios) {
      if (typeof mod[sc.exec] !== 'function') throw new Error(`scenario "${sc.name}": exported function "${sc.exec}" not found`);
    }
    for (const [key, exprs] of Object.entries(thresholds)) {
      const { name } = parseMetricKey(key);
      if (!rt.metrics.series.has(name)) throw new Error(`threshold on unknown metric "${name}"`);
      exprs.forEach(parseThreshold);
    }
  } catch (e) {
    console.error(`ERRO invalid options: ${(e as Error).message}`);
    return EXIT.config;
  }

  const out = opts.outJsonPath ? jsonOutput(opts.outJsonPath) : null;
  const lifecycleCtx = (name: string): VuContext => ({
    vuId: 0,
    scenario: name,
    executor: '',
    vuIteration: 0,
    iterationInScenario: 0,
    iterationInTest: 0,
    scenarioStartMs: Date.now(),
    group: '',
    tags: {},
  });

  let data: unknown;
  if (typeof mod.setup === 'function') {
    try {
      const result = await rt.als.run(lifecycleCtx('setup'), () => (mod.setup as () => unknown)());
      // k6 hands setup data to VUs as JSON, so only JSON survives.
      data = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    } catch (e) {
      console.error(`ERRO setup() failed: ${(e as Error).stack ?? e}`);
      return EXIT.script;
    }
  }

  let nextVuId = 1;
  let busy = 0;
  const runs: ScenarioRun[] = [];
  const driver: Driver = {
    newVuId: () => nextVuId++,
    stopped: () => rt.aborted !== null,
    dropped: (run) => rt.metrics.add('dropped_iterations', 1, { scenario: run.spec.name, ...run.spec.tags }),
    iterate: async (run: ScenarioRun, vu: Vu) => {
      const spec = run.spec;
      const tags = { scenario: spec.name, ...spec.tags };
      const ctx: VuContext = {
        vuId: vu.id,
        scenario: spec.name,
        executor: spec.executor,
        vuIteration: vu.iterations++,
        iterationInScenario: run.iterations,
        iterationInTest: run.iterations++,
        scenarioStartMs: Date.now() - (performance.now() - run.startMs),
        group: '',
        tags,
      };
      const fn = mod[spec.exec] as (d: unknown) => unknown;
      busy++;
      const t0 = performance.now();
      try {
        await rt.als.run(ctx, () => fn(data));
      } catch (e) {
        const msg = (e as Error)?.message ?? String(e);
        const n = rt.iterationErrors.get(msg) ?? 0;
        if (n === 0) console.error(`ERRO iteration failed (scenario ${spec.name}, VU ${vu.id}): ${(e as Error)?.stack ?? msg}`);
        rt.iterationErrors.set(msg, n + 1);
      } finally {
        busy--;
      }
      rt.metrics.add('iteration_duration', performance.now() - t0, tags);
      rt.metrics.add('iterations', 1, tags);
    },
  };

  const abortChecks = Object.entries(thresholds).flatMap(([key, exprs]) =>
    exprs
      .map(parseThreshold)
      .filter((t) => t.abortOnFail)
      .map((t) => ({ key, t })),
  );
  const testStartMs = performance.now();
  const sampler = setInterval(() => {
    rt.metrics.add('vus', busy, {});
    rt.metrics.add('vus_max', nextVuId - 1, {});
    for (const { key, t } of abortChecks) {
      const { name, tags } = parseMetricKey(key);
      const s = rt.metrics.series.get(name)!;
      const values = aggregate(s.type, selectValues(s, tags), (performance.now() - testStartMs) / 1000, [t.stat]);
      if (!thresholdPasses(t, values) && rt.aborted === null) rt.aborted = `threshold ${key} ${t.source} crossed (abortOnFail)`;
    }
  }, 1000);
  rt.metrics.add('vus', 0, {});
  await Promise.all(scenarios.map((sc) => runScenario(sc, driver, testStartMs).then((r) => runs.push(r))));
  clearInterval(sampler);
  const testRunDurationMs = performance.now() - testStartMs;
  rt.metrics.add('vus_max', nextVuId - 1, {});

  if (typeof mod.teardown === 'function') {
    try {
      await rt.als.run(lifecycleCtx('teardown'), () => (mod.teardown as (d: unknown) => unknown)(data));
    } catch (e) {
      console.error(`ERRO teardown() failed: ${(e as Error).stack ?? e}`);
    }
  }
  rt.metrics.frozen = true;
  rt.metrics.listener = null;
  if (out) await new Promise((r) => out.end(r));

  for (const [msg, n] of rt.iterationErrors) if (n > 1) console.error(`ERRO ${n}× ${msg}`);
  const { data: summary, failed } = buildSummary(rt.metrics.series, thresholds, testRunDurationMs, trendStats, [...rt.checks.values()]);
  if (typeof mod.handleSummary === 'function') {
    const outputs = (await (mod.handleSummary as (d: unknown) => unknown)(summary)) as Record<string, string> | undefined;
    for (const [path, content] of Object.entries(outputs ?? {})) {
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      if (path === 'stdout') process.stdout.write(text);
      else if (path === 'stderr') process.stderr.write(text);
      else writeFileSync(resolve(path), text);
    }
  } else {
    process.stdout.write(textSummary(summary));
  }
  if (failed.length) {
    console.error(`ERRO thresholds crossed: ${failed.join('; ')}`);
    return EXIT.thresholds;
  }
  if (rt.aborted !== null) {
    console.error(`ERRO test aborted: ${rt.aborted}`);
    return rt.aborted.startsWith('threshold') ? EXIT.thresholds : EXIT.aborted;
  }
  return EXIT.ok;
}
