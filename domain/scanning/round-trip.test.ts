// Property-based round trips over the whole AI table: encode → parse is the identity, in every form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AI_TABLE } from './ai-table.js';
import type { AiComponent, AiDef } from './ai-table.js';
import { gs1CheckDigit } from './check-digit.js';
import { encodeDigitalLink } from './digital-link.js';
import { encodeBracketForm, encodeGs1, splitElementString } from './element-string.js';
import { ScanError } from './scan-error.js';
import { parseScan } from './scan-parser.js';
import { ScanResultSchema } from './scanning.schemas.js';

const CSET82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
const CSET39 = '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CSET64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SETS = { N: '0123456789', X: CSET82, Y: CSET39, Z: CSET64 };

const chars = (set: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });
const num = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
const date = (zeroDay: boolean) => fc.tuple(num(0, 99), num(1, 12), num(zeroDay ? 0 : 1, 28)).map((p) => p.join(''));

function componentArb(c: AiComponent): fc.Arbitrary<string> {
  let arb: fc.Arbitrary<string>;
  if (c.lints.includes('zero')) arb = fc.constant('0');
  else if (c.lints.includes('hyphen')) arb = fc.constant('-');
  else if (c.lints.includes('csum')) arb = chars(SETS.N, c.max - 1, c.max - 1).map((b) => b + gs1CheckDigit(b));
  else if (c.lints.includes('yymmd0')) arb = date(true);
  else if (c.lints.includes('yymmdd')) arb = date(false);
  else if (c.lints.includes('yyyymmdd'))
    arb = fc.tuple(fc.integer({ min: 1900, max: 2099 }), num(1, 12), num(1, 28)).map((p) => p.join(''));
  else if (c.lints.includes('yymmddhh')) arb = fc.tuple(date(false), num(0, 23)).map((p) => p.join(''));
  else if (c.lints.includes('hhmm')) arb = fc.tuple(num(0, 23), num(0, 59)).map((p) => p.join(''));
  else if (c.lints.includes('mmoptss'))
    arb = fc.oneof(
      num(0, 59),
      fc.tuple(num(0, 59), num(0, 59)).map((p) => p.join('')),
    );
  else arb = chars(SETS[c.cset], c.min, c.max);
  return c.optional ? fc.option(arb, { nil: '' }) : arb;
}

const valueArb = (def: AiDef) => fc.tuple(...def.components.map(componentArb)).map((parts) => parts.join(''));
const ALL_AIS = [...AI_TABLE.keys()];
const KEY_AIS = [...AI_TABLE.values()].filter((d) => d.dlQualifiers).map((d) => d.ai);

const messageArb = (ais: string[] = ALL_AIS, max = 6) =>
  fc
    .uniqueArray(fc.constantFrom(...ais), { minLength: 1, maxLength: max })
    .chain((list) => fc.tuple(...list.map((ai) => valueArb(AI_TABLE.get(ai)!).map((v) => [ai, v] as [string, string]))));

const asRecord = (pairs: [string, string][]) => Object.fromEntries(pairs);

describe('round trips (fast-check)', () => {
  it('encodeGs1 → splitElementString keeps every AI and value, in the table-wide generator', () => {
    fc.assert(
      fc.property(messageArb(), (pairs) => {
        const els = splitElementString(encodeGs1(pairs));
        expect(asRecord(els.map((e) => [e.ai, e.value]))).toEqual(asRecord(pairs));
      }),
      { numRuns: 400 },
    );
  });

  it('encodeGs1 with an AIM prefix → parseScan is the identity on ais', () => {
    fc.assert(
      fc.property(messageArb(), fc.constantFrom(']C1', ']d2', ']Q3', ']e0', ']J1'), (pairs, symbology) => {
        const r = parseScan(encodeGs1(pairs, { symbology }));
        expect(r.ais).toEqual(asRecord(pairs));
        expect(r.symbology).toBe(symbology);
        expect(ScanResultSchema.safeParse(r).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a substitute FNC1 round-trips when the parser is told about it', () => {
    fc.assert(
      fc.property(messageArb(), fc.constantFrom('~', '|', '^', '#GS#'), (pairs, sub) => {
        // '#' is CSET 39, so "#GS#" could occur inside an AI 8010 value: keep that case out.
        fc.pre(!(sub === '#GS#' && pairs.some(([, v]) => v.includes(sub))));
        expect(parseScan(encodeGs1(pairs, { fnc1: sub, symbology: ']C1' }), { fnc1Substitute: sub }).ais).toEqual(asRecord(pairs));
      }),
      { numRuns: 200 },
    );
  });

  it('bracket form → parseScan is the identity on ais', () => {
    fc.assert(
      fc.property(messageArb(), (pairs) => {
        fc.pre(pairs.every(([, v]) => !/\(\d{2,4}\)/.test(v))); // a value like "(17)" is genuinely ambiguous in HRI
        expect(parseScan(encodeBracketForm(pairs)).ais).toEqual(asRecord(pairs));
      }),
      { numRuns: 200 },
    );
  });

  it('Digital Link → parseScan is the identity on ais', () => {
    const arb = fc
      .tuple(fc.constantFrom(...KEY_AIS), messageArb(ALL_AIS, 4))
      .chain(([key, rest]) =>
        valueArb(AI_TABLE.get(key)!).map((v) => [[key, v] as [string, string], ...rest.filter(([ai]) => ai !== key)]),
      );
    fc.assert(
      fc.property(arb, (pairs) => {
        const r = parseScan(encodeDigitalLink(pairs, 'https://example.com/dl'));
        expect(r.kind).toBe('digital_link');
        expect(r.ais).toEqual(asRecord(pairs));
      }),
      { numRuns: 300 },
    );
  });

  it('any wrong GTIN check digit is rejected as bad-check-digit', () => {
    fc.assert(
      fc.property(chars('0123456789', 13, 13), fc.integer({ min: 1, max: 9 }), (body, delta) => {
        const wrong = (gs1CheckDigit(body) + delta) % 10;
        expect(() => parseScan(`]C101${body}${wrong}`)).toThrowError(expect.objectContaining({ code: 'bad-check-digit', ai: '01' }));
        expect(parseScan(`]C101${body}${gs1CheckDigit(body)}`).gtin).toBe(body + gs1CheckDigit(body));
      }),
    );
  });

  it('never fails with anything but a ScanError, and every result is a valid response', () => {
    const unit = fc.oneof(fc.constantFrom(...'0123456789\x1d()]CdQ1e~/:.-ALPN'.split('')), fc.string({ minLength: 1, maxLength: 1 }));
    const prefix = fc.constantFrom('', ']C1', ']d2', ']E0', ']Q1', 'https://x.io/01/', '(01)', 'LPN');
    fc.assert(
      fc.property(prefix, fc.string({ unit, maxLength: 40 }), (p, s) => {
        try {
          expect(ScanResultSchema.safeParse(parseScan(p + s)).success).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(ScanError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
