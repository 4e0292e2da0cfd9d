/** The k6 end-of-test summary: the data handed to handleSummary() and its text rendering. */
import { aggregate, selectValues, type Contains, type MetricType, type Series } from './metrics.js';
import { parseMetricKey, parseThreshold, thresholdPasses } from './thresholds.js';
import type { CheckTally } from './runtime.js';

export interface SummaryMetric {
  type: MetricType;
  contains: Contains;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}
export interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: SummaryCheck[];
}

export interface SummaryData {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
}

export type ThresholdConfig = Record<string, Array<string | { threshold: string; abortOnFail?: boolean }>>;

/** Aggregates every metric with samples plus every (sub)metric named in thresholds, and judges the thresholds. */
export function buildSummary(
  series: Map<string, Series>,
  thresholds: ThresholdConfig,
  testRunDurationMs: number,
  trendStats: string[],
  checks: CheckTally[],
): { data: SummaryData; failed: string[] } {
  const durationS = testRunDurationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {};
  for (const s of series.values()) {
    if (s.values.length === 0 && !(s.name in thresholds)) continue;
    metrics[s.name] = { type: s.type, contains: s.contains, values: aggregate(s.type, s.values, durationS, trendStats) };
  }
  const failed: string[] = [];
  for (const [key, exprs] of Object.entries(thresholds)) {
    const { name, tags } = parseMetricKey(key);
    const s = series.get(name);
    if (!s) throw new Error(`threshold on unknown metric "${name}"`);
    const parsed = exprs.map(parseThreshold);
    const stats = [...new Set([...trendStats, ...parsed.map((p) => p.stat).filter((st) => st.startsWith('p(') || st === 'count')])];
    const values = aggregate(s.type, selectValues(s, tags), durationS, s.type === 'trend' ? stats : undefined);
    const entry = metrics[key] ?? { type: s.type, contains: s.contains, values };
    entry.values = { ...values, ...entry.values };
    entry.thresholds = {};
    for (const p of parsed) {
      const ok = thresholdPasses(p, values);
      entry.thresholds[p.source] = { ok };
      if (!ok) failed.push(`${key}: ${p.source}`);
    }
    metrics[key] = entry;
  }
  return {
    data: {
      root_group: groupTree(checks),
      options: { summaryTrendStats: trendStats, summaryTimeUnit: '', noColor: false },
      state: { isStdOutTTY: !!process.stdout.isTTY, isStdErrTTY: !!process.stderr.isTTY, testRunDurationMs },
      metrics,
    },
    failed,
  };
}

function groupTree(checks: CheckTally[]): SummaryGroup {
  const root: SummaryGroup = { name: '', path: '', id: '', groups: [], checks: [] };
  for (const c of checks) {
    let node = root;
    for (const part of c.group.split('::').slice(1)) {
      let child = node.groups.find((g) => g.name === part);
      if (!child) {
        child = { name: part, path: `${node.path}::${part}`, id: `${node.path}::${part}`, groups: [], checks: [] };
        node.groups.push(child);
      }
      node = child;
    }
    node.checks.push({ name: c.name, path: `${node.path}::${c.name}`, id: `${node.path}::${c.name}`, passes: c.passes, fails: c.fails });
  }
  return root;
}

function fmtTime(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(2)}µs`;
  if (ms < 1000) return `${ms.toFixed(2)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

function fmtData(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function fmtValue(m: SummaryMetric, v: number): string {
  if (m.contains === 'time') return fmtTime(v);
  if (m.contains === 'data') return fmtData(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function metricLine(m: SummaryMetric): string {
  const v = m.values;
  switch (m.type) {
    case 'trend':
      return Object.entries(v)
        .map(([k, x]) => `${k}=${fmtValue(m, x)}`)
        .join(' ');
    case 'counter':
      return `${fmtValue(m, v.count)} ${m.contains === 'data' ? fmtData(v.rate) : v.rate.toFixed(2)}/s`;
    case 'rate':
      return `${(v.rate * 100).toFixed(2)}% ✓ ${v.passes} ✗ ${v.fails}`;
    case 'gauge':
      return `${fmtValue(m, v.value)} min=${fmtValue(m, v.min)} max=${fmtValue(m, v.max)}`;
  }
}

function checkLines(g: SummaryGroup, indent: string, out: string[]): void {
  if (g.name) out.push(`${indent}█ ${g.name}`);
  const inner = g.name ? `${indent}  ` : indent;
  for (const c of g.checks) {
    const total = c.passes + c.fails;
    if (c.fails === 0) out.push(`${inner}✓ ${c.name}`);
    else out.push(`${inner}✗ ${c.name}`, `${inner} ↳  ${Math.floor((100 * c.passes) / total)}% — ✓ ${c.passes} / ✗ ${c.fails}`);
  }
  for (const sub of g.groups) checkLines(sub, inner, out);
}

/** k6-style text: checks, one line per metric (✓/✗ marks metrics with thresholds), then threshold verdicts. */
export function textSummary(data: SummaryData, opts: { indent?: string } = {}): string {
  const indent = opts.indent ?? '     ';
  const out: string[] = [];
  checkLines(data.root_group, indent, out);
  if (out.length) out.push('');
  const names = Object.keys(data.metrics).sort();
  const width = Math.max(30, ...names.map((n) => n.length + 3));
  for (const name of names) {
    const m = data.metrics[name];
    const marks = m.thresholds ? Object.values(m.thresholds) : [];
    const mark = marks.length === 0 ? ' ' : marks.every((t) => t.ok) ? '✓' : '✗';
    const label = name.includes('{') ? `  ${name.slice(name.indexOf('{'))}` : name;
    out.push(`${indent.slice(2)}${mark} ${label.padEnd(width, '.')}: ${metricLine(m)}`);
  }
  const verdicts: string[] = [];
  for (const name of names) {
    const m = data.metrics[name];
    for (const [expr, { ok }] of Object.entries(m.thresholds ?? {})) {
      const stat = /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(expr)?.[1] ?? '';
      const actual = m.values[stat];
      const shown =
        actual === undefined ? 'n/a' : m.type === 'rate' && stat === 'rate' ? `${(actual * 100).toFixed(2)}%` : fmtValue(m, actual);
      verdicts.push(`${indent}${ok ? '✓' : '✗'} ${name} ${expr} (${stat}=${shown})`);
    }
  }
  if (verdicts.length) out.push('', `${indent}THRESHOLDS`, ...verdicts);
  out.push('', `${indent}test run duration: ${(data.state.testRunDurationMs / 1000).toFixed(1)}s`);
  return `\n${out.join('\n')}\n`;
}
