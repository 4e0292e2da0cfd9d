/** Pure rules of cycle counting: variance tolerance, ABC schedule, accuracy KPI. No I/O, no clock. */

export interface CountLineInput {
  expected: number;
  counted: number;
}
export interface VarianceThreshold {
  pct: number;
  qty: number;
}

/**
 * A line is over tolerance when |counted − expected| exceeds both the absolute allowance and the
 * percentage of expected (so small bins are judged by units, big ones by percent).
 */
export function lineOverThreshold(l: CountLineInput, t: VarianceThreshold): boolean {
  const diff = Math.abs(l.counted - l.expected);
  return diff > t.qty && diff > (t.pct / 100) * l.expected;
}

/** Summary of a count round: absolute and net variance, and whether any line needs a recount. */
export function evaluateCount(
  lines: CountLineInput[],
  t: VarianceThreshold,
): { absVarianceQty: number; netVarianceQty: number; overThreshold: boolean; exactLines: number } {
  let abs = 0;
  let net = 0;
  let over = false;
  let exact = 0;
  for (const l of lines) {
    abs += Math.abs(l.counted - l.expected);
    net += l.counted - l.expected;
    if (l.counted === l.expected) exact++;
    if (lineOverThreshold(l, t)) over = true;
  }
  return { absVarianceQty: abs, netVarianceQty: net, overThreshold: over, exactLines: exact };
}

/** What happens after a round: recount once when over tolerance, approval when still over, else post. */
export function nextCountStatus(
  round: number,
  e: { overThreshold: boolean; absVarianceQty: number },
): 'recount' | 'pending_approval' | 'completed' {
  if (!e.overThreshold) return 'completed';
  return round === 1 ? 'recount' : 'pending_approval';
}

/** Count interval per velocity class in days (A counted monthly, B quarterly, C twice a year). */
export const DEFAULT_ABC_INTERVAL_DAYS: Readonly<Record<'A' | 'B' | 'C', number>> = { A: 30, B: 90, C: 180 };

export interface AbcCandidate {
  skuId: string;
  velocityClass: 'A' | 'B' | 'C' | null;
  lastCountedAt: Date | null;
}

/**
 * SKUs due for a count on `today`: never counted, or last counted longer ago than their class
 * interval (unclassified SKUs count as C). Most overdue first, at most `max`.
 */
export function abcDue(cands: AbcCandidate[], today: Date, max: number, intervals = DEFAULT_ABC_INTERVAL_DAYS): string[] {
  const dayMs = 86_400_000;
  return cands
    .map((c) => {
      const interval = intervals[c.velocityClass ?? 'C'];
      const overdueDays = c.lastCountedAt ? (today.getTime() - c.lastCountedAt.getTime()) / dayMs - interval : Number.POSITIVE_INFINITY;
      return { id: c.skuId, overdueDays, cls: c.velocityClass ?? 'C' };
    })
    .filter((c) => c.overdueDays >= 0)
    .sort((a, b) => b.overdueDays - a.overdueDays || a.cls.localeCompare(b.cls) || a.id.localeCompare(b.id))
    .slice(0, max)
    .map((c) => c.id);
}

/**
 * Inventory record accuracy (APICS): share of counted records (location × SKU × lot) whose system
 * quantity matched the first count, and quantity accuracy = 1 − Σ|variance| / Σ expected.
 */
export function accuracyKpi(firstRoundLines: CountLineInput[]): {
  records: number;
  exactRecords: number;
  recordAccuracyPct: number;
  qtyAccuracyPct: number;
} {
  const records = firstRoundLines.length;
  if (records === 0) return { records: 0, exactRecords: 0, recordAccuracyPct: 100, qtyAccuracyPct: 100 };
  const e = evaluateCount(firstRoundLines, { pct: 0, qty: 0 });
  const expected = firstRoundLines.reduce((s, l) => s + l.expected, 0);
  const qtyAcc = expected === 0 ? (e.absVarianceQty === 0 ? 100 : 0) : Math.max(0, 100 * (1 - e.absVarianceQty / expected));
  return { records, exactRecords: e.exactLines, recordAccuracyPct: round2((100 * e.exactLines) / records), qtyAccuracyPct: round2(qtyAcc) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
