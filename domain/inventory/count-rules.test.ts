import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abcDue, accuracyKpi, evaluateCount, lineOverThreshold, nextCountStatus } from './count-rules.js';

describe('count variance rules', () => {
  it('judges small bins by units and big bins by percent', () => {
    const t = { pct: 5, qty: 2 };
    expect(lineOverThreshold({ expected: 10, counted: 8 }, t)).toBe(false); // 2 units: within the unit allowance
    expect(lineOverThreshold({ expected: 10, counted: 7 }, t)).toBe(true); // 3 units = 30 %
    expect(lineOverThreshold({ expected: 1000, counted: 960 }, t)).toBe(false); // 4 %
    expect(lineOverThreshold({ expected: 1000, counted: 940 }, t)).toBe(true); // 6 %
    expect(lineOverThreshold({ expected: 0, counted: 3 }, t)).toBe(true);
  });

  it('recounts once, then asks for approval; posts straight away within tolerance', () => {
    const over = evaluateCount(
      [
        { expected: 10, counted: 0 },
        { expected: 5, counted: 5 },
      ],
      { pct: 5, qty: 2 },
    );
    expect(over).toEqual({ absVarianceQty: 10, netVarianceQty: -10, overThreshold: true, exactLines: 1 });
    expect(nextCountStatus(1, over)).toBe('recount');
    expect(nextCountStatus(2, over)).toBe('pending_approval');
    expect(nextCountStatus(1, { overThreshold: false, absVarianceQty: 1 })).toBe('completed');
  });

  it('net variance is the sum of signed line differences (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ expected: fc.nat(1000), counted: fc.nat(1000) })), (lines) => {
        const e = evaluateCount(lines, { pct: 0, qty: 0 });
        expect(e.netVarianceQty).toBe(lines.reduce((s, l) => s + l.counted - l.expected, 0));
        expect(e.absVarianceQty).toBeGreaterThanOrEqual(Math.abs(e.netVarianceQty));
        expect(e.overThreshold).toBe(e.absVarianceQty > 0);
      }),
    );
  });
});

describe('ABC schedule and accuracy', () => {
  const today = new Date('2026-11-25T00:00:00Z');
  const daysAgo = (d: number) => new Date(today.getTime() - d * 86_400_000);

  it('picks never-counted and overdue SKUs by class interval, most overdue first', () => {
    const due = abcDue(
      [
        { skuId: 'a-fresh', velocityClass: 'A', lastCountedAt: daysAgo(10) },
        { skuId: 'a-due', velocityClass: 'A', lastCountedAt: daysAgo(45) },
        { skuId: 'b-fresh', velocityClass: 'B', lastCountedAt: daysAgo(45) },
        { skuId: 'c-due', velocityClass: 'C', lastCountedAt: daysAgo(400) },
        { skuId: 'never', velocityClass: null, lastCountedAt: null },
      ],
      today,
      10,
    );
    expect(due).toEqual(['never', 'c-due', 'a-due']);
    expect(
      abcDue(
        [
          { skuId: 'x', velocityClass: 'A', lastCountedAt: null },
          { skuId: 'y', velocityClass: 'A', lastCountedAt: null },
        ],
        today,
        1,
      ),
    ).toHaveLength(1);
  });

  it('computes record and quantity accuracy', () => {
    expect(
      accuracyKpi([
        { expected: 10, counted: 10 },
        { expected: 10, counted: 8 },
        { expected: 20, counted: 20 },
        { expected: 0, counted: 0 },
      ]),
    ).toEqual({ records: 4, exactRecords: 3, recordAccuracyPct: 75, qtyAccuracyPct: 95 });
    expect(accuracyKpi([])).toMatchObject({ recordAccuracyPct: 100 });
  });
});
