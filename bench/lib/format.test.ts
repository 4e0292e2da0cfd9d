import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figure } from './figure.js';
import { figureLine, figureProblems, formatNumber, markdownTable } from './format.js';
import { appendHistory, type HistoryRecord } from './history.js';

describe('figureLine', () => {
  it('prints the contract fields in a fixed order with commit and machine', () => {
    const line = figureLine(figure('routing', 'distance gap', 1.05, 'ratio', 1, 'BKS'), 'abc1234', 'vm cpu x2');
    expect(Object.keys(JSON.parse(line))).toEqual([
      'bench',
      'metric',
      'value',
      'unit',
      'baseline',
      'ratio',
      'commit',
      'machine',
      'baselineName',
    ]);
    expect(JSON.parse(line)).toMatchObject({
      bench: 'routing',
      value: 1.05,
      baseline: 1,
      ratio: 1.05,
      commit: 'abc1234',
      machine: 'vm cpu x2',
    });
  });

  it('keeps a null baseline and ratio', () => {
    expect(JSON.parse(figureLine(figure('x', 'y', 3, 'ms', null), 'c', 'm'))).toMatchObject({ baseline: null, ratio: null });
  });
});

describe('formatNumber', () => {
  it.each([
    [123456.7, '123457'],
    [1234.567, '1235'],
    [3.14159, '3.142'],
    [0.012345, '0.01235'],
    [0.00001234, '1.23e-5'],
    [0, '0'],
    [null, '—'],
  ])('%s → %s', (n, s) => expect(formatNumber(n)).toBe(s));
});

describe('markdownTable', () => {
  it('has a header, a separator and one row per figure, with escaped pipes', () => {
    const t = markdownTable([figure('a', 'p|99', 12.5, 'ms', 10, 'trivial route'), figure('b', 'count', 7, 'n', null)]);
    const lines = t.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('| bench | metric | value | unit | baseline | ratio | baseline is |');
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- | --- |');
    expect(lines[2]).toBe('| a | p\\|99 | 12.5 | ms | 10 | 1.250 | trivial route |');
    expect(lines[3]).toBe('| b | count | 7 | n | — | — |  |');
  });
});

describe('figureProblems', () => {
  it('accepts a figure and names what is wrong with a malformed one', () => {
    expect(figureProblems(figure('a', 'b', 1, 'ms', 2))).toEqual([]);
    expect(figureProblems({ bench: 'a', metric: '', value: Number.NaN, unit: 'ms', baseline: '3', ratio: null })).toEqual([
      'metric must be a non-empty string',
      'value must be a finite number',
      'baseline must be a number or null',
    ]);
  });
});

describe('appendHistory', () => {
  it('creates the folder and appends one JSON line per record', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-history-')), 'results', 'history.jsonl');
    const rec = {
      ...figure('a', 'b', 1, 'ms', 2),
      commit: 'c',
      machine: 'm',
      time: '2025-01-01T00:00:00.000Z',
      quick: false,
    } as HistoryRecord;
    appendHistory(path, [rec]);
    appendHistory(path, [rec, { ...rec, value: 2 }]);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.value)).toEqual([1, 1, 2]);
  });
});
