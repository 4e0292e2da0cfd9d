/** Shim of the `k6` module: check, group, sleep, fail. */
import { performance } from 'node:perf_hooks';
import { baseTags, runtime } from '../runtime.js';
import type { Tags } from '../metrics.js';

type Checks = Record<string, ((value: unknown) => unknown) | boolean>;

/** Records one `checks` sample per named check; true when all passed (k6 semantics). */
export function check(value: unknown, sets: Checks, tags: Tags = {}): boolean {
  const rt = runtime();
  const group = rt.als.getStore()?.group ?? '';
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = typeof fn === 'function' ? Boolean(fn(value)) : Boolean(fn);
    all &&= ok;
    rt.metrics.add('checks', ok ? 1 : 0, { ...baseTags(), ...tags, check: name });
    const key = `${group}\u0000${name}`;
    const tally = rt.checks.get(key) ?? { group, name, passes: 0, fails: 0 };
    if (ok) tally.passes++;
    else tally.fails++;
    rt.checks.set(key, tally);
  }
  return all;
}

/** Runs fn with the group tag set; an async fn is awaited (returns a Promise then). */
export function group<T>(name: string, fn: () => T): T {
  const rt = runtime();
  const ctx = rt.als.getStore();
  const inner = ctx ? { ...ctx, group: `${ctx.group}::${name}` } : undefined;
  const t0 = performance.now();
  const finish = () => {
    if (inner) rt.metrics.add('group_duration', performance.now() - t0, { ...inner.tags, group: inner.group });
  };
  const result = inner ? rt.als.run(inner, fn) : fn();
  if (result instanceof Promise) return result.finally(finish) as T;
  finish();
  return result;
}

/** Pauses the VU. Under this runner it returns a Promise: write `await sleep(1)` (valid k6 too). */
export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000)));
}

/** Aborts the current iteration with an error, as k6's fail(). */
export function fail(message = ''): never {
  throw new Error(message);
}

/** k6's randomSeed has no effect here: Math.random is not seedable in Node. */
export function randomSeed(_seed: number): void {}

export default { check, group, sleep, fail, randomSeed };
