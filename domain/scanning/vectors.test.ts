// Every vector of the shared GS1 fixture, every expectation asserted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasValidCheckDigit } from './check-digit.js';
import { splitElementString } from './element-string.js';
import { ScanError } from './scan-error.js';
import { parseScan } from './scan-parser.js';
import { ScanResultSchema } from './scanning.schemas.js';
import { splitSymbology } from './symbology.js';

interface ElementExpectation {
  ai: string;
  value: string;
  checkDigitValid?: boolean;
  date?: string;
}
interface Vector {
  id: string;
  raw: string;
  rawEscaped: string;
  symbology: string | null;
  expected: ElementExpectation[] | Record<string, string | boolean>;
}

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/gs1/vectors.json', import.meta.url), 'utf8')) as {
  vectors: Vector[];
};
// Fixture dates (2021) sit well inside the window of any reference year up to 2070.
const now = new Date('2025-06-01T00:00:00Z');

describe('shared GS1 vectors', () => {
  it('has vectors to run', () => {
    expect(fixture.vectors.length).toBeGreaterThan(0);
  });

  for (const v of fixture.vectors) {
    it(`${v.id}: ${v.rawEscaped}`, () => {
      expect(v.raw.replaceAll('\x1d', '<GS>')).toBe(v.rawEscaped);
      if (Array.isArray(v.expected)) {
        for (const e of v.expected) expect(Object.keys(e).every((k) => ['ai', 'value', 'checkDigitValid', 'date'].includes(k))).toBe(true);
        const invalid = v.expected.find((e) => e.checkDigitValid === false);
        for (const e of v.expected) if (e.checkDigitValid !== undefined) expect(hasValidCheckDigit(e.value)).toBe(e.checkDigitValid);
        if (invalid) {
          let err: unknown;
          try {
            parseScan(v.raw, { now });
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(ScanError);
          expect((err as ScanError).code).toBe('bad-check-digit');
          expect((err as ScanError).ai).toBe(invalid.ai);
          expect((err as ScanError).detail).toContain(`(${invalid.ai})`);
          return;
        }
        const result = parseScan(v.raw, { now });
        expect(ScanResultSchema.parse(result)).toEqual(result);
        expect(result.kind).toBe('gs1');
        expect(result.symbology ?? null).toBe(v.symbology);
        expect(result.ais).toEqual(Object.fromEntries(v.expected.map((e) => [e.ai, e.value])));
        // Order, values and dates element by element.
        const els = splitElementString(splitSymbology(v.raw).data, { referenceYear: now.getUTCFullYear() });
        expect(els.map((e) => e.ai)).toEqual(v.expected.map((e) => e.ai));
        v.expected.forEach((e, k) => {
          expect(els[k].value).toBe(e.value);
          if (e.date !== undefined) expect(els[k].date).toBe(e.date);
        });
      } else {
        const exp = v.expected;
        for (const k of Object.keys(exp)) expect(/^gtin(8|12|13|14)$/.test(k) || k === 'checkDigitValid').toBe(true);
        const gtinKey = Object.keys(exp).find((k) => k.startsWith('gtin'))!;
        const gtin = String(exp[gtinKey]);
        expect(hasValidCheckDigit(gtin)).toBe(exp.checkDigitValid ?? true);
        const result = parseScan(v.raw, { now });
        expect(result.kind).toBe('gtin');
        expect(result.gtin).toBe(gtin.padStart(14, '0'));
        expect(result.symbology ?? null).toBe(v.symbology);
      }
    });
  }
});
