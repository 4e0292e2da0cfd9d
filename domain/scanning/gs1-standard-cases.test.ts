/**
 * Cases from the GS1 standards, for the two forms wedge and camera scanners send that used to fail:
 * an element string with the AIM symbology identifier stripped, and a GS1 Digital Link URI behind a
 * QR symbology identifier (]Q1, and ]Q3 as some readers report it).
 *
 * Sources (facts, not code): GS1 Digital Link Standard: URI Syntax, release 1.2 (Jan 2021), its
 * examples with GTIN 09520123456788, SSCC 952012345678912345, GLN 9520123456788, as reproduced with
 * their element strings in GS1's own reference parser (github.com/gs1/gs1-syntax-engine,
 * src/c-lib/dl.c tests, "Examples from DL specification"); GS1 General Specifications §5.1.2 / §5.4
 * (symbology identifiers: ]Q1 QR Code, ]Q3 GS1 QR Code with FNC1 in first position, ]d1 / ]d2 Data
 * Matrix) and the scan-data examples of the same engine (src/c-lib/scandata.c).
 */
import { describe, expect, it } from 'vitest';
import { parseScan } from './scan-parser.js';

const GS = '\u001d';

/** DL URI → the AIs it carries (from the standard's examples). */
const DL_EXAMPLES: [string, Record<string, string>][] = [
  ['https://id.gs1.org/01/09520123456788', { '01': '09520123456788' }],
  ['https://id.gs1.org/01/09520123456788/22/2A', { '01': '09520123456788', '22': '2A' }],
  ['https://id.gs1.org/01/09520123456788/10/ABC123', { '01': '09520123456788', '10': 'ABC123' }],
  ['https://id.gs1.org/01/09520123456788/21/12345', { '01': '09520123456788', '21': '12345' }],
  [
    'https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426',
    { '01': '09520123456788', '10': 'ABC1', '21': '12345', '17': '180426' },
  ],
  ['https://id.gs1.org/01/09520123456788?3103=000195', { '01': '09520123456788', '3103': '000195' }],
  [
    'https://example.com/01/09520123456788?3103=000195&3922=0299&17=201225',
    { '01': '09520123456788', '3103': '000195', '3922': '0299', '17': '201225' },
  ],
  ['https://id.gs1.org/00/952012345678912345', { '00': '952012345678912345' }],
  [
    'https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123',
    { '00': '952012345678912345', '02': '09520123456788', '37': '25', '10': 'ABC123' },
  ],
  ['https://id.gs1.org/414/9520123456788', { '414': '9520123456788' }],
];

describe('GS1 Digital Link behind a QR symbology identifier', () => {
  for (const id of [']Q1', ']Q3'])
    it.each(DL_EXAMPLES)(`${id} + %s`, (uri, ais) => {
      const r = parseScan(id + uri);
      expect(r).toMatchObject({ kind: 'digital_link', symbology: id });
      expect(r.ais).toEqual(ais);
    });

  it('maps the fields a warehouse needs (GTIN, lot, serial, expiry; SSCC, count)', () => {
    expect(parseScan(']Q3https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426')).toMatchObject({
      gtin: '09520123456788',
      lot: 'ABC1',
      serial: '12345',
      expiry: '2018-04-26',
    });
    expect(parseScan(']Q1https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123')).toMatchObject({
      sscc: '952012345678912345',
      gtin: '09520123456788',
      quantity: 25,
    });
  });

  it(']Q3 with an element string stays an element string, even with a URL inside AI 8200', () => {
    expect(parseScan(']Q3011231231231233310ABC123' + GS + '99TESTING')).toMatchObject({
      kind: 'gs1',
      ais: { '01': '12312312312333', '10': 'ABC123', '99': 'TESTING' },
    });
    expect(parseScan(']Q301123123123123338200http://example.com')).toMatchObject({
      kind: 'gs1',
      ais: { '01': '12312312312333', '8200': 'http://example.com' },
    });
  });

  it('the same URI from Data Matrix (]d1) is Digital Link too', () => {
    expect(parseScan(']d1https://example.com/01/12312312312333?99=TEST')).toMatchObject({
      kind: 'digital_link',
      ais: { '01': '12312312312333', '99': 'TEST' },
    });
  });

  it('a broken Digital Link behind ]Q3 is an error, not a SKU (the reader said GS1)', () => {
    expect(() => parseScan(']Q3https://id.gs1.org/01/09520123456789')).toThrow(/check digit/);
  });
});

/** Element strings of the standard's examples, as a wedge scanner sends them with the AIM identifier stripped. */
const ELEMENT_STRINGS: [string, string, Record<string, string>][] = [
  ['GTIN + CPV', '0109520123456788222A', { '01': '09520123456788', '22': '2A' }],
  ['GTIN + lot', '010952012345678810ABC123', { '01': '09520123456788', '10': 'ABC123' }],
  ['GTIN + serial', '01095201234567882112345', { '01': '09520123456788', '21': '12345' }],
  ['GTIN + net weight', '01095201234567883103000195', { '01': '09520123456788', '3103': '000195' }],
  [
    'GTIN + net weight + price + expiry',
    '0109520123456788310300019539220299' + GS + '17201225',
    { '01': '09520123456788', '3103': '000195', '3922': '0299', '17': '201225' },
  ],
  [
    'GTIN + expiry + lot, GS after the lot, then serial',
    '01095201234567881718042610ABC1' + GS + '2112345',
    { '01': '09520123456788', '17': '180426', '10': 'ABC1', '21': '12345' },
  ],
  [
    'SSCC + content + count, GS, lot',
    '0095201234567891234502095201234567883725' + GS + '10ABC123',
    { '00': '952012345678912345', '02': '09520123456788', '37': '25', '10': 'ABC123' },
  ],
  ['GLN + extension', '414952012345678825432a/b', { '414': '9520123456788', '254': '32a/b' }],
  ['GIAI', '80049520614141234567', { '8004': '9520614141234567' }],
  ['net weight + expiry + price (no key AI)', '3103000195172012253922' + '0299', { '3103': '000195', '17': '201225', '3922': '0299' }],
];

describe('GS1 element strings without an AIM symbology identifier', () => {
  it.each(ELEMENT_STRINGS)('%s', (_what, raw, ais) => {
    const r = parseScan(raw);
    expect(r.kind).toBe('gs1');
    expect(r.symbology).toBeUndefined();
    expect(r.ais).toEqual(ais);
  });

  it('is marked inferred only when nothing but the content said GS1', () => {
    expect(parseScan('010952012345678810ABC123').inferred).toBe(true);
    expect(parseScan('31030001951720122539220299').inferred).toBe(true);
    expect(parseScan(']C1010952012345678810ABC123').inferred).toBeUndefined();
    expect(parseScan('01095201234567881718042610ABC1' + GS + '2112345').inferred).toBeUndefined();
  });

  it('is not GS1 when a check digit or a value fails: text for the SKU lookup instead', () => {
    expect(parseScan('80039520123456789').kind).toBe('unknown'); // GRAI 8003 whose GTIN-like part fails its check digit
    expect(parseScan('31030001951720129939220299').kind).toBe('unknown'); // day 99 is no date
    expect(() => parseScan('0109520123456789')).toThrow(/check digit/); // 01 + 14 digits: a GTIN beyond doubt, misread
  });
});
