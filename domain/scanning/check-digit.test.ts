import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, hasValidCheckDigit, isValidGln, isValidGtin, isValidSscc, toGtin14 } from './check-digit.js';

describe('gs1CheckDigit (GS1 mod-10)', () => {
  it.each([
    ['400638133393', 1], // EAN-13
    ['03600029145', 2], // UPC-A
    ['9638507', 4], // EAN-8
    ['0950600013435', 2], // GTIN-14
    ['10614141123456789', 7], // SSCC
    ['541234500001', 3], // GLN
    ['000000000000', 0],
  ])('%s → %i', (body, check) => {
    expect(gs1CheckDigit(body)).toBe(check);
  });

  it('rejects non-digits', () => {
    expect(() => gs1CheckDigit('12a4')).toThrow(TypeError);
  });
});

describe('validity helpers', () => {
  it('accepts GTIN-8/12/13/14 with a correct check digit only', () => {
    expect(isValidGtin('96385074')).toBe(true);
    expect(isValidGtin('036000291452')).toBe(true);
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('09506000134352')).toBe(true);
    expect(isValidGtin('4006381333932')).toBe(false);
    expect(isValidGtin('95060001343')).toBe(false); // 11 digits is no GTIN length
    expect(isValidGtin('40063813339A')).toBe(false);
  });

  it('checks SSCC and GLN lengths and check digits', () => {
    expect(isValidSscc('106141411234567897')).toBe(true);
    expect(isValidSscc('106141411234567898')).toBe(false);
    expect(isValidSscc('10614141123456789')).toBe(false);
    expect(isValidGln('5412345000013')).toBe(true);
    expect(isValidGln('5412345000014')).toBe(false);
    expect(hasValidCheckDigit('7')).toBe(false);
  });

  it('pads to GTIN-14', () => {
    expect(toGtin14('96385074')).toBe('00000096385074');
    expect(toGtin14('036000291452')).toBe('00036000291452');
  });
});
