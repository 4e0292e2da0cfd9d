import { describe, expect, it } from 'vitest';
import { encodeDigitalLink, parseDigitalLink } from './digital-link.js';
import { parseScan } from './scan-parser.js';

const now = new Date('2025-06-01T00:00:00Z');
const ais = (uri: string) => Object.fromEntries(parseDigitalLink(uri, { referenceYear: 2025 }).map((e) => [e.ai, e.value]));

describe('GS1 Digital Link', () => {
  it('reads key, qualifiers and query attributes', () => {
    const r = parseScan('https://example.com/01/09506000134352/10/ABC?17=260101&3103=000195', { now });
    expect(r).toEqual({
      kind: 'digital_link',
      gtin: '09506000134352',
      lot: 'ABC',
      expiry: '2026-01-01',
      netWeightG: 195,
      ais: { '01': '09506000134352', '10': 'ABC', '17': '260101', '3103': '000195' },
    });
  });

  it('ignores any path prefix, the fragment and non-AI query parameters', () => {
    expect(ais('https://brand.example/shop/p/01/09506000134352/21/S%2F1?linkType=gs1:pip&utm_source=x&17=260131#top')).toEqual({
      '01': '09506000134352',
      '21': 'S/1',
      '17': '260131',
    });
  });

  it('pads GTIN-8/12/13 in the path to 14 digits', () => {
    expect(ais('https://id.gs1.org/01/9506000134352')).toEqual({ '01': '09506000134352' });
    expect(ais('https://id.gs1.org/01/036000291452')).toEqual({ '01': '00036000291452' });
    expect(ais('https://id.gs1.org/01/96385074')).toEqual({ '01': '00000096385074' });
  });

  it('accepts the 1.1 short names and other primary keys', () => {
    expect(ais('HTTPS://id.gs1.org/gtin/09506000134352/cpv/X1/lot/L%2B1/ser/S1')).toEqual({
      '01': '09506000134352',
      '22': 'X1',
      '10': 'L+1',
      '21': 'S1',
    });
    expect(ais('https://id.gs1.org/00/106141411234567897')).toEqual({ '00': '106141411234567897' });
    expect(ais('https://id.gs1.org/414/5412345000013/254/DOCK-3')).toEqual({ '414': '5412345000013', '254': 'DOCK-3' });
    expect(ais('https://id.gs1.org/sscc/106141411234567897?02=09506000134352&37=12')).toEqual({
      '00': '106141411234567897',
      '02': '09506000134352',
      '37': '12',
    });
  });

  it('maps a pallet Digital Link to the scan result', () => {
    const r = parseScan('https://id.gs1.org/00/106141411234567897?02=09506000134352&37=12', { now });
    expect(r).toMatchObject({ kind: 'digital_link', sscc: '106141411234567897', gtin: '09506000134352', quantity: 12 });
  });

  it('validates values like element strings', () => {
    expect(() => parseScan('https://id.gs1.org/01/09506000134353', { now })).toThrowError(
      expect.objectContaining({ code: 'bad-check-digit', ai: '01' }),
    );
    expect(() => parseScan('https://id.gs1.org/01/09506000134352?17=261332', { now })).toThrowError(
      expect.objectContaining({ code: 'invalid-date', ai: '17' }),
    );
    expect(() => parseScan('https://id.gs1.org/01/09506000134352?5=1&17=26013', { now })).toThrowError(
      expect.objectContaining({ code: 'value-too-short' }),
    );
    expect(() => parseScan('https://id.gs1.org/01/09506000134352?2399=1', { now })).toThrowError(
      expect.objectContaining({ code: 'unknown-ai' }),
    );
    expect(() => parseScan('https://id.gs1.org/01/09506000134352/10/%E0%A4%A', { now })).toThrowError(
      expect.objectContaining({ code: 'invalid-format' }),
    );
  });

  it('rejects qualifiers in the wrong order, and a URI without a key is no Digital Link', () => {
    expect(() => parseDigitalLink('https://id.gs1.org/01/09506000134352/21/S/10/L')).toThrowError(
      expect.objectContaining({ code: 'invalid-digital-link' }),
    );
    expect(() => parseDigitalLink('https://example.com/products/42')).toThrowError(
      expect.objectContaining({ code: 'invalid-digital-link' }),
    );
    expect(parseScan('https://example.com/products/42', { now })).toMatchObject({
      kind: 'unknown',
      sku: 'https://example.com/products/42',
    });
  });

  it('encodes key and qualifiers in the path, the rest in the query', () => {
    expect(
      encodeDigitalLink(
        [
          ['01', '09506000134352'],
          ['17', '260101'],
          ['21', 'A/B'],
          ['10', 'L1'],
        ],
        'https://example.com/',
      ),
    ).toBe('https://example.com/01/09506000134352/10/L1/21/A%2FB?17=260101');
  });
});
