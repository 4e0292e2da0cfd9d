import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './duration.js';
import { aggregate, percentile } from './metrics.js';
import { parseMetricKey, parseThreshold, thresholdPasses } from './thresholds.js';

describe('thresholds', () => {
  it('parses metric keys with tag filters', () => {
    expect(parseMetricKey('http_req_duration')).toEqual({ name: 'http_req_duration', tags: null });
    expect(parseMetricKey('http_req_duration{scenario:intake, status:201}')).toEqual({
      name: 'http_req_duration',
      tags: { scenario: 'intake', status: '201' },
    });
  });

  it.each([
    ['p(99)<50', { 'p(99)': 49.9 }, true],
    ['p(99)<50', { 'p(99)': 50 }, false],
    ['p(99.9) <= 50', { 'p(99.9)': 50 }, true],
    ['rate>0.99', { rate: 0.995 }, true],
    ['rate<0.01', { rate: 0.01 }, false],
    ['count>=10', { count: 10 }, true],
    ['avg<200', {}, false],
  ])('%s on %o → %s', (expr, values, ok) => {
    expect(thresholdPasses(parseThreshold(expr), values)).toBe(ok);
  });

  it('accepts the object form and rejects what it cannot evaluate', () => {
    expect(parseThreshold({ threshold: 'rate<0.1', abortOnFail: true })).toMatchObject({ stat: 'rate', abortOnFail: true });
    expect(() => parseThreshold('p99<5')).toThrow(/unsupported/);
  });
});

describe('metrics aggregation', () => {
  it('interpolates percentiles between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10], 99)).toBe(10);
    expect(percentile([0, 100], 90)).toBe(90);
  });

  it('aggregates each metric type in the k6 summary shape', () => {
    expect(aggregate('counter', [1, 2, 3], 2)).toEqual({ count: 6, rate: 3 });
    expect(aggregate('rate', [1, 0, 1, 1], 1)).toEqual({ rate: 0.75, passes: 3, fails: 1 });
    expect(aggregate('gauge', [3, 9, 1], 1)).toEqual({ value: 1, min: 1, max: 9 });
    const trend = aggregate('trend', [5, 1, 3, 2, 4], 1);
    expect(trend).toMatchObject({ avg: 3, min: 1, med: 3, max: 5 });
    expect(trend['p(90)']).toBeCloseTo(4.6, 9);
  });

  it('parses k6 durations', () => {
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs(250)).toBe(250);
    expect(() => parseDurationMs('3 minutes')).toThrow();
  });
});
