/** k6 `options` → the list of scenarios to run, with durations parsed and k6 defaults applied. */
import { parseDurationMs } from './duration.js';
import type { Stage } from './arrivals.js';

export type ScenarioSpec =
  | (Common & {
      executor: 'constant-arrival-rate';
      rate: number;
      timeUnitMs: number;
      durationMs: number;
      preAllocatedVUs: number;
      maxVUs: number;
    })
  | (Common & {
      executor: 'ramping-arrival-rate';
      startRate: number;
      timeUnitMs: number;
      stages: Stage[];
      preAllocatedVUs: number;
      maxVUs: number;
    })
  | (Common & { executor: 'constant-vus'; vus: number; durationMs: number })
  | (Common & { executor: 'shared-iterations' | 'per-vu-iterations'; vus: number; iterations: number; maxDurationMs: number });

interface Common {
  name: string;
  exec: string;
  startTimeMs: number;
  gracefulStopMs: number;
  tags: Record<string, string>;
}

type Raw = Record<string, unknown>;

function num(raw: Raw, key: string, fallback?: number): number {
  const v = raw[key];
  if (v === undefined) {
    if (fallback === undefined) throw new Error(`scenario option "${key}" is required`);
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`scenario option "${key}" must be a number`);
  return v;
}

function dur(raw: Raw, key: string, fallback?: string): number {
  const v = raw[key] as string | number | undefined;
  if (v === undefined && fallback === undefined) throw new Error(`scenario option "${key}" is required`);
  return parseDurationMs(v ?? fallback);
}

/** Normalizes `options.scenarios` (or the vus/duration/iterations shortcuts) like k6 does. */
export function scenariosFromOptions(options: Raw): ScenarioSpec[] {
  const scenarios = options.scenarios as Record<string, Raw> | undefined;
  if (!scenarios || Object.keys(scenarios).length === 0) {
    const vus = typeof options.vus === 'number' ? options.vus : 1;
    const common = { name: 'default', exec: 'default', startTimeMs: 0, gracefulStopMs: 30_000, tags: {} };
    if (options.duration !== undefined)
      return [{ ...common, executor: 'constant-vus', vus, durationMs: parseDurationMs(options.duration as string) }];
    return [
      {
        ...common,
        executor: 'shared-iterations',
        vus,
        iterations: typeof options.iterations === 'number' ? options.iterations : 1,
        maxDurationMs: 600_000,
      },
    ];
  }
  return Object.entries(scenarios).map(([name, raw]): ScenarioSpec => {
    const common: Common = {
      name,
      exec: typeof raw.exec === 'string' ? raw.exec : 'default',
      startTimeMs: dur(raw, 'startTime', '0s'),
      gracefulStopMs: dur(raw, 'gracefulStop', '30s'),
      tags: (raw.tags as Record<string, string>) ?? {},
    };
    const executor = raw.executor;
    switch (executor) {
      case 'constant-arrival-rate': {
        const pre = num(raw, 'preAllocatedVUs');
        return {
          ...common,
          executor,
          rate: num(raw, 'rate'),
          timeUnitMs: dur(raw, 'timeUnit', '1s'),
          durationMs: dur(raw, 'duration'),
          preAllocatedVUs: pre,
          maxVUs: Math.max(pre, num(raw, 'maxVUs', pre)),
        };
      }
      case 'ramping-arrival-rate': {
        const pre = num(raw, 'preAllocatedVUs');
        const stages = ((raw.stages as Raw[]) ?? []).map((s) => ({
          durationMs: parseDurationMs(s.duration as string),
          target: s.target as number,
        }));
        if (stages.length === 0) throw new Error(`scenario "${name}": ramping-arrival-rate needs stages`);
        return {
          ...common,
          executor,
          startRate: num(raw, 'startRate', 0),
          timeUnitMs: dur(raw, 'timeUnit', '1s'),
          stages,
          preAllocatedVUs: pre,
          maxVUs: Math.max(pre, num(raw, 'maxVUs', pre)),
        };
      }
      case 'constant-vus':
        return { ...common, executor, vus: num(raw, 'vus', 1), durationMs: dur(raw, 'duration') };
      case 'shared-iterations':
      case 'per-vu-iterations':
        return {
          ...common,
          executor,
          vus: num(raw, 'vus', 1),
          iterations: num(raw, 'iterations', 1),
          maxDurationMs: dur(raw, 'maxDuration', '10m'),
        };
      default:
        throw new Error(`scenario "${name}": executor "${String(executor)}" is not implemented by the Dockside runner`);
    }
  });
}
