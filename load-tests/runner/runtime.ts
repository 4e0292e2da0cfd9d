/**
 * State shared by the engine and the k6 shim modules. It hangs off globalThis so the shims see the
 * same instance whichever URL the module loader gave them; per-VU context travels in an
 * AsyncLocalStorage so `__VU`, `__ITER`, tags and groups stay right across awaits of concurrent VUs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MetricRegistry, type Tags } from './metrics.js';

export interface VuContext {
  vuId: number;
  scenario: string;
  executor: string;
  /** Per-VU iteration number within the scenario (`__ITER`). */
  vuIteration: number;
  iterationInScenario: number;
  iterationInTest: number;
  scenarioStartMs: number;
  /** k6 group path, '' at the root, '::a::b' inside nested groups. */
  group: string;
  tags: Tags;
}

export interface CheckTally {
  group: string;
  name: string;
  passes: number;
  fails: number;
}

export type ResponseCallback = (res: { status: number }) => boolean;

export interface Runtime {
  als: AsyncLocalStorage<VuContext>;
  metrics: MetricRegistry;
  checks: Map<string, CheckTally>;
  responseCallback: ResponseCallback;
  aborted: string | null;
  iterationErrors: Map<string, number>;
}

const KEY = Symbol.for('dockside.k6.runtime');

/** The process-wide runtime (created on first use). */
export function runtime(): Runtime {
  const g = globalThis as unknown as Record<symbol, Runtime | undefined>;
  let rt = g[KEY];
  if (!rt) {
    rt = {
      als: new AsyncLocalStorage<VuContext>(),
      metrics: new MetricRegistry(),
      checks: new Map(),
      responseCallback: (res) => res.status >= 200 && res.status < 400,
      aborted: null,
      iterationErrors: new Map(),
    };
    g[KEY] = rt;
  }
  return rt;
}

/** Tags every sample of the current VU carries (scenario, group, scenario tags). */
export function baseTags(): Tags {
  const ctx = runtime().als.getStore();
  if (!ctx) return {};
  return ctx.group ? { ...ctx.tags, group: ctx.group } : { ...ctx.tags };
}
