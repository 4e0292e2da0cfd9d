/**
 * Drives one scenario. Arrival-rate executors are open-model: each iteration has an absolute
 * target start time (arrivals.ts); the loop sleeps until that time, takes a free VU (allocating
 * one up to maxVUs) and starts the iteration without waiting for it. With no VU to take, the
 * iteration is dropped and counted, as k6 does.
 */
import { performance } from 'node:perf_hooks';
import { constantArrivals, rampingArrivals } from './arrivals.js';
import type { ScenarioSpec } from './scenarios.js';

export interface Vu {
  id: number;
  iterations: number;
  busy: boolean;
}

export interface ScenarioRun {
  spec: ScenarioSpec;
  startMs: number;
  iterations: number;
  vus: Vu[];
}

export interface Driver {
  newVuId(): number;
  /** Runs one iteration on vu; never rejects. */
  iterate(run: ScenarioRun, vu: Vu): Promise<void>;
  dropped(run: ScenarioRun): void;
  stopped(): boolean;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

async function waitGraceful(inflight: Set<Promise<void>>, graceMs: number): Promise<void> {
  if (inflight.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(inflight), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
}

function newVu(run: ScenarioRun, d: Driver): Vu {
  const vu = { id: d.newVuId(), iterations: 0, busy: false };
  run.vus.push(vu);
  return vu;
}

async function arrivalRate(run: ScenarioRun, d: Driver, offsets: Iterable<number>, pre: number, max: number): Promise<void> {
  const free: Vu[] = [];
  for (let i = 0; i < pre; i++) free.push(newVu(run, d));
  const inflight = new Set<Promise<void>>();
  let sinceYield = 0;
  for (const offset of offsets) {
    if (d.stopped()) break;
    const waitMs = run.startMs + offset - performance.now();
    if (waitMs > 0.5) {
      await delay(waitMs);
      sinceYield = 0;
    } else if (++sinceYield >= 64) {
      // Behind schedule: start the due iterations, but let responses in now and then.
      await new Promise((r) => setImmediate(r));
      sinceYield = 0;
    }
    const vu = free.pop() ?? (run.vus.length < max ? newVu(run, d) : undefined);
    if (!vu) {
      d.dropped(run);
      continue;
    }
    const p = d.iterate(run, vu).then(() => {
      free.push(vu);
      inflight.delete(p);
    });
    inflight.add(p);
  }
  await waitGraceful(inflight, run.spec.gracefulStopMs);
}

async function loopVus(run: ScenarioRun, d: Driver, vus: number, endMs: number, take: (vu: Vu) => boolean): Promise<void> {
  const loops: Promise<void>[] = [];
  for (let i = 0; i < vus; i++) {
    const vu = newVu(run, d);
    loops.push(
      (async () => {
        while (!d.stopped() && performance.now() < endMs && take(vu)) {
          await d.iterate(run, vu);
          await new Promise((r) => setImmediate(r)); // an iteration that never awaits must not starve the loop
        }
      })(),
    );
  }
  await waitGraceful(new Set(loops), run.spec.gracefulStopMs);
}

/** Runs the scenario to completion (including its gracefulStop). */
export async function runScenario(spec: ScenarioSpec, d: Driver, testStartMs: number): Promise<ScenarioRun> {
  await delay(testStartMs + spec.startTimeMs - performance.now());
  const run: ScenarioRun = { spec, startMs: performance.now(), iterations: 0, vus: [] };
  switch (spec.executor) {
    case 'constant-arrival-rate':
      await arrivalRate(run, d, constantArrivals(spec.rate, spec.timeUnitMs, spec.durationMs), spec.preAllocatedVUs, spec.maxVUs);
      break;
    case 'ramping-arrival-rate':
      await arrivalRate(run, d, rampingArrivals(spec.startRate, spec.timeUnitMs, spec.stages), spec.preAllocatedVUs, spec.maxVUs);
      break;
    case 'constant-vus':
      await loopVus(run, d, spec.vus, run.startMs + spec.durationMs, () => true);
      break;
    case 'shared-iterations': {
      let left = spec.iterations;
      await loopVus(run, d, spec.vus, run.startMs + spec.maxDurationMs, () => left-- > 0);
      break;
    }
    case 'per-vu-iterations':
      await loopVus(run, d, spec.vus, run.startMs + spec.maxDurationMs, (vu) => vu.iterations < spec.iterations);
      break;
  }
  return run;
}
