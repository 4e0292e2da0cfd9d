/** Parsing and evaluating k6 threshold expressions such as `p(99)<50`, `rate>0.99`, `count>=10`. */
import type { Tags } from './metrics.js';

export interface ThresholdExpr {
  source: string;
  stat: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  value: number;
  abortOnFail: boolean;
}

/** `http_req_duration{scenario:intake,status:200}` → name and tag filter. */
export function parseMetricKey(key: string): { name: string; tags: Tags | null } {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key.trim());
  if (!m) throw new Error(`invalid threshold metric "${key}"`);
  if (m[2] === undefined) return { name: m[1].trim(), tags: null };
  const tags: Tags = {};
  for (const part of m[2].split(',')) {
    if (!part.trim()) continue;
    const i = part.indexOf(':');
    if (i < 0) throw new Error(`invalid tag filter "${part}" in "${key}"`);
    tags[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return { name: m[1].trim(), tags };
}

/** One entry of `thresholds[metric]`: a string or `{ threshold, abortOnFail }`. */
export function parseThreshold(entry: string | { threshold: string; abortOnFail?: boolean }): ThresholdExpr {
  const source = typeof entry === 'string' ? entry : entry.threshold;
  const m = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/.exec(
    source,
  );
  if (!m) throw new Error(`unsupported threshold expression "${source}"`);
  return {
    source,
    stat: m[1],
    op: m[2] as ThresholdExpr['op'],
    value: Number(m[3]),
    abortOnFail: typeof entry === 'object' && !!entry.abortOnFail,
  };
}

/** Whether the aggregated stat satisfies the expression; a missing stat fails. */
export function thresholdPasses(expr: ThresholdExpr, values: Record<string, number>): boolean {
  const actual = values[expr.stat];
  if (actual === undefined || Number.isNaN(actual)) return false;
  switch (expr.op) {
    case '<':
      return actual < expr.value;
    case '<=':
      return actual <= expr.value;
    case '>':
      return actual > expr.value;
    case '>=':
      return actual >= expr.value;
    case '==':
    case '===':
      return actual === expr.value;
    case '!=':
      return actual !== expr.value;
  }
}
