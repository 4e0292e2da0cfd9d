/**
 * The sample store behind k6/metrics and the built-in metrics. Every sample keeps its tags so
 * thresholds and summaries can filter on them (`http_req_duration{scenario:intake}`).
 */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type Contains = 'default' | 'time' | 'data';
export type Tags = Record<string, string>;

export interface Series {
  name: string;
  type: MetricType;
  contains: Contains;
  values: number[];
  tags: Tags[];
}

export type SampleListener = (series: Series, value: number, tags: Tags) => void;

export class MetricRegistry {
  readonly series = new Map<string, Series>();
  listener: SampleListener | null = null;
  /** Set when the test is over: samples from iterations that outlive gracefulStop are ignored. */
  frozen = false;

  /** Idempotent; a second definition with another type is an error, as in k6. */
  define(name: string, type: MetricType, contains: Contains = 'default'): Series {
    const existing = this.series.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric "${name}" already defined as ${existing.type}, not ${type}`);
      return existing;
    }
    if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) throw new Error(`invalid metric name "${name}"`);
    const s: Series = { name, type, contains, values: [], tags: [] };
    this.series.set(name, s);
    return s;
  }

  add(name: string, value: number, tags: Tags): void {
    if (this.frozen) return;
    const s = this.series.get(name);
    if (!s) throw new Error(`metric "${name}" is not defined`);
    s.values.push(value);
    s.tags.push(tags);
    this.listener?.(s, value, tags);
  }
}

/** Samples of a series whose tags contain every key/value of `filter`. */
export function selectValues(s: Series, filter: Tags | null): number[] {
  if (!filter || Object.keys(filter).length === 0) return s.values;
  const keys = Object.keys(filter);
  const out: number[] = [];
  for (let i = 0; i < s.values.length; i++) {
    const t = s.tags[i];
    if (keys.every((k) => t[k] === filter[k])) out.push(s.values[i]);
  }
  return out;
}

/** Percentile p in [0, 100] of ascending `sorted`, by linear interpolation between closest ranks (as k6 does). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(idx);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
}

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

/** The k6 summary `values` of one metric: counter {count, rate}, gauge {value, min, max}, rate {rate, passes, fails}, trend {avg, min, med, max, p(N)…}. */
export function aggregate(
  type: MetricType,
  values: number[],
  durationS: number,
  trendStats: string[] = DEFAULT_TREND_STATS,
): Record<string, number> {
  switch (type) {
    case 'counter': {
      const count = values.reduce((a, b) => a + b, 0);
      return { count, rate: durationS > 0 ? count / durationS : 0 };
    }
    case 'gauge':
      return values.length === 0
        ? { value: 0, min: 0, max: 0 }
        : { value: values[values.length - 1], min: Math.min(...values), max: Math.max(...values) };
    case 'rate': {
      const passes = values.filter((v) => v !== 0).length;
      return { rate: values.length ? passes / values.length : 0, passes, fails: values.length - passes };
    }
    case 'trend': {
      const sorted = Float64Array.from(values).sort();
      const arr = Array.from(sorted);
      const out: Record<string, number> = {};
      const sum = arr.reduce((a, b) => a + b, 0);
      for (const stat of trendStats) {
        if (stat === 'avg') out.avg = arr.length ? sum / arr.length : 0;
        else if (stat === 'min') out.min = arr.length ? arr[0] : 0;
        else if (stat === 'max') out.max = arr.length ? arr[arr.length - 1] : 0;
        else if (stat === 'med') out.med = percentile(arr, 50);
        else if (stat === 'count') out.count = arr.length;
        else {
          const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
          if (!m) throw new Error(`unknown trend stat "${stat}"`);
          out[stat] = percentile(arr, Number(m[1]));
        }
      }
      return out;
    }
  }
}
