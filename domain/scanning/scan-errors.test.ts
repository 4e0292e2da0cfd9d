// Malformed input: each rejection carries its stable code and a detail naming AI and position.
import { describe, expect, it } from 'vitest';
import { parseDigitalLink } from './digital-link.js';
import { encodeGs1 } from './element-string.js';
import { ScanError } from './scan-error.js';
import type { ScanErrorCode } from './scan-error.js';
import { parseScan } from './scan-parser.js';

const GS = '\x1d';
const now = new Date('2025-06-01T00:00:00Z');

function rejection(fn: () => unknown): ScanError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScanError) return err;
    throw err;
  }
  throw new Error('expected a ScanError');
}

const CASES: [raw: string, code: ScanErrorCode, ai: string | undefined, position: number | undefined, detailHas: string][] = [
  ['', 'empty', undefined, undefined, 'empty'],
  [' \r\n', 'empty', undefined, undefined, 'empty'],
  [']C1', 'empty', undefined, undefined, ']C1'],
  [']C10109506000134353', 'bad-check-digit', '01', 3, 'should be 2'],
  ['00376130321109103421', 'bad-check-digit', '00', 0, 'should be 0'],
  ['0109506000134353', 'bad-check-digit', '01', 0, 'check digit 3'],
  [']E04006381333932', 'bad-check-digit', undefined, 3, 'check digit'],
  [']E040063813339', 'invalid-format', undefined, 3, '8, 12, 13 or 14 digits'],
  [']C1' + '2312345', 'unknown-ai', undefined, 3, 'unknown AI starting "2312"'],
  [`]C10109506000134352${GS}3106000100`, 'unknown-ai', undefined, 20, '3106'],
  [`]C1AB`, 'unknown-ai', undefined, 3, 'expected an AI'],
  ['(01)09506000134352(23)X', 'unknown-ai', '23', 18, 'unknown AI (23)'],
  [']C110' + 'A'.repeat(21), 'value-too-long', '10', 3, 'at most 20'],
  [`]C121${'S'.repeat(21)}${GS}10A`, 'value-too-long', '21', 3, 'at most 20'],
  [']C101123', 'value-too-short', '01', 3, 'at least 14'],
  [']C10109506000134352172601', 'value-too-short', '17', 19, 'at least 6'],
  [`]C110${GS}21X`, 'value-too-short', '10', 3, 'at least 1'],
  [']C1010950600013435A', 'invalid-format', '01', 3, '"A"'],
  [']C110AB#C', 'invalid-format', '10', 3, 'CSET 82'],
  [']C18003195011010200161', 'invalid-format', '8003', 3, 'must be 0'],
  [']C1010950600013435217251301', 'invalid-date', '17', 19, 'month 13'],
  [']C1010950600013435215250230', 'invalid-date', '15', 19, 'day 30'],
  [']C17006250200', 'invalid-date', '7006', 3, 'day 00'],
  [']C170032501011260', 'invalid-date', '7003', 3, 'HHMM'],
  [`]C110A${GS}10B`, 'duplicate-ai', '10', 7, 'twice'],
];

describe('malformed scans', () => {
  it.each(CASES)('%j → %s', (raw, code, ai, position, detailHas) => {
    const err = rejection(() => parseScan(raw, { now }));
    expect(err.code).toBe(code);
    expect(err.ai).toBe(ai);
    expect(err.position).toBe(position);
    expect(err.detail).toContain(detailHas);
    expect(err.message).toBe(err.detail);
    if (ai) expect(err.detail).toContain(`(${ai})`);
    if (position !== undefined && code !== 'empty') expect(err.detail).toContain(`position ${position}`);
  });

  it('the encoder refuses what the parser would reject', () => {
    expect(rejection(() => encodeGs1({ '01': '09506000134353' })).code).toBe('bad-check-digit');
    expect(rejection(() => encodeGs1({ '2399': 'x' })).code).toBe('unknown-ai');
    expect(rejection(() => encodeGs1({ '10': 'x'.repeat(21) })).code).toBe('value-too-long');
  });

  it('Digital Link without a primary key', () => {
    expect(rejection(() => parseDigitalLink('https://id.gs1.org/10/ABC')).code).toBe('invalid-digital-link');
    expect(rejection(() => parseDigitalLink('ftp://id.gs1.org/01/09506000134352')).code).toBe('invalid-digital-link');
  });
});
