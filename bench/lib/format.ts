/** How figures are printed: one JSON line each, and a markdown table at the end. */
import type { Figure } from './figure.js';

export interface FigureRecord extends Figure {
  commit: string;
  machine: string;
}

/** The JSON line of one figure (fixed key order, so lines diff well). */
export function figureLine(f: Figure, commit: string, machine: string): string {
  const rec: FigureRecord = {
    bench: f.bench,
    metric: f.metric,
    value: f.value,
    unit: f.unit,
    baseline: f.baseline,
    ratio: f.ratio,
    commit,
    machine,
    baselineName: f.baselineName,
  };
  return JSON.stringify(rec);
}

/** Four significant digits, no exponent for ordinary magnitudes; '—' for null. */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e4) return String(Math.round(n));
  if (abs === 0) return '0';
  if (abs < 1e-3) return n.toExponential(2);
  return String(Number(n.toPrecision(4)));
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** A GitHub-flavoured markdown table of the figures, one row each. */
export function markdownTable(figures: Figure[]): string {
  const head = ['bench', 'metric', 'value', 'unit', 'baseline', 'ratio', 'baseline is'];
  const rows = figures.map((f) => [
    f.bench,
    f.metric,
    formatNumber(f.value),
    f.unit,
    formatNumber(f.baseline),
    f.ratio === null ? '—' : f.ratio.toFixed(3),
    f.baselineName ?? '',
  ]);
  const lines = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** Checks a benchmark's output has the Figure shape; returns problems, empty when fine. */
export function figureProblems(f: unknown): string[] {
  if (!f || typeof f !== 'object') return ['not an object'];
  const x = f as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of ['bench', 'metric', 'unit']) if (typeof x[k] !== 'string' || !x[k]) problems.push(`${k} must be a non-empty string`);
  if (typeof x.value !== 'number' || !Number.isFinite(x.value)) problems.push('value must be a finite number');
  if (x.baseline !== null && typeof x.baseline !== 'number') problems.push('baseline must be a number or null');
  if (x.ratio !== null && typeof x.ratio !== 'number') problems.push('ratio must be a number or null');
  return problems;
}
