// parseScan by AI family and by input form.
import { describe, expect, it } from 'vitest';
import { splitElementString } from './element-string.js';
import { parseScan } from './scan-parser.js';
import type { ParseScanOptions } from './scan-parser.js';
import { ScanResultSchema } from './scanning.schemas.js';

const GS = '\x1d';
const now = new Date('2025-06-01T00:00:00Z');
const parse = (raw: string, opts: ParseScanOptions = {}) => {
  const r = parseScan(raw, { now, ...opts });
  expect(ScanResultSchema.parse(r)).toEqual(r); // every result is a valid API response
  return r;
};
const elements = (data: string) => splitElementString(data, { referenceYear: 2025 });

describe('identification keys', () => {
  it('GTIN (01), SSCC (00), CONTENT (02) with COUNT (37)', () => {
    expect(parse(']C10109506000134352')).toMatchObject({ kind: 'gs1', gtin: '09506000134352', ais: { '01': '09506000134352' } });
    expect(parse(']C100106141411234567897')).toMatchObject({ kind: 'gs1', sscc: '106141411234567897' });
    const pallet = parse(']C1001061414112345678970209506000134352' + '37120');
    expect(pallet).toMatchObject({ sscc: '106141411234567897', gtin: '09506000134352', quantity: 120 });
  });

  it('serial (21), variant (20), CPV (22), additional ids (240/241/250/251)', () => {
    const r = parse(`]C1010950600013435220072112345${GS}22CPV-1${GS}240ADD${GS}241CUST${GS}250SEC${GS}251SRC`);
    expect(r.serial).toBe('12345');
    expect(r.ais).toMatchObject({ '20': '07', '22': 'CPV-1', '240': 'ADD', '241': 'CUST', '250': 'SEC', '251': 'SRC' });
  });

  it('GINC/GSIN/route/order (400–403), GIAI (8004), GRAI (8003), payment ref (8020)', () => {
    const r = parse(
      `]C1400PO-778${GS}401GINC1${GS}40295011010200000016${GS}403ROUTE7${GS}8004ASSET-9${GS}800309501101020016REUSE${GS}4155412345000013${GS}8020INV-42`,
    );
    expect(r.ais).toMatchObject({
      '400': 'PO-778',
      '401': 'GINC1',
      '402': '95011010200000016',
      '403': 'ROUTE7',
      '8004': 'ASSET-9',
      '8003': '09501101020016REUSE',
      '415': '5412345000013',
      '8020': 'INV-42',
    });
  });
});

describe('dates', () => {
  it('maps 11/15/17 and resolves DD=00', () => {
    const r = parse(']C10109506000134352112501151526063017260200');
    expect(r).toMatchObject({ productionDate: '2025-01-15', bestBefore: '2026-06-30', expiry: '2026-02-28' });
    expect(parse(']C1010950600013435217240200').expiry).toBe('2024-02-29');
  });

  it('applies the sliding window relative to now', () => {
    expect(parse(']C1010950600013435217800101').expiry).toBe('1980-01-01');
    expect(parse(']C1010950600013435217800101', { now: new Date('2040-01-01T00:00:00Z') }).expiry).toBe('2080-01-01');
  });

  it('reads four-digit-year dates (7250) and country lists in groups of three (423)', () => {
    expect(elements('725020240229')[0].date).toBe('2024-02-29');
    expect(() => elements('725020230229')).toThrowError(expect.objectContaining({ code: 'invalid-date', ai: '7250' }));
    expect(elements('423276040250')[0].value).toBe('276040250');
    expect(() => elements('4232760')).toThrowError(expect.objectContaining({ code: 'value-too-short', ai: '423' }));
  });

  it('checks other date AIs (12, 13, 16, 7006, 7003, 4326, 7007)', () => {
    const els = elements(`1225033113250301162503017006250228${GS}70032503311230${GS}4326250101${GS}7007250101250131`);
    expect(Object.fromEntries(els.map((e) => [e.ai, e.date]))).toEqual({
      '12': '2025-03-31',
      '13': '2025-03-01',
      '16': '2025-03-01',
      '7006': '2025-02-28',
      '7003': '2025-03-31',
      '4326': '2025-01-01',
      '7007': '2025-01-01',
    });
  });
});

describe('variable-length AIs with and without GS', () => {
  it('last element needs no separator', () => {
    expect(parse(']C10109506000134352' + '10LOT42')).toMatchObject({ lot: 'LOT42' });
  });

  it('GS ends a variable-length value, then fixed-length AIs follow', () => {
    const r = parse(`]C11012ab-./${GS}1726013121SER${GS}0109506000134352`);
    expect(r).toMatchObject({ lot: '12ab-./', expiry: '2026-01-31', serial: 'SER', gtin: '09506000134352' });
  });

  it('without GS a variable value runs to the end (GS1 cannot tell otherwise)', () => {
    expect(parse(']C1100329172601' + '01').ais).toEqual({ '10': '032917260101' });
  });

  it('cuts fixed-length AIs outside the predefined table at their length (422 + 01)', () => {
    expect(parse(']C14222500109506000134352').ais).toEqual({ '422': '250', '01': '09506000134352' });
  });

  it('tolerates leading, doubled and trailing GS', () => {
    expect(parse(`]d2${GS}10A${GS}${GS}21B${GS}`).ais).toEqual({ '10': 'A', '21': 'B' });
    expect(parse(`${GS}0109506000134352`).kind).toBe('gs1');
  });

  it('accepts repeated AIs with equal values', () => {
    expect(parse(`]C110A${GS}10A`).lot).toBe('A');
  });
});

describe('measures and amounts', () => {
  it('places the decimal by the last AI digit', () => {
    const els = elements(`3103000195${GS}3922123456${GS}39329781250${GS}39400250`);
    const dec = Object.fromEntries(els.map((e) => [e.ai, e.decimal]));
    expect(dec).toEqual({ '3103': '0.195', '3922': '1234.56', '3932': '12.50', '3940': '250' });
    expect(els.find((e) => e.ai === '3932')!.currency).toBe('978');
    expect(elements('3300001234')[0].decimal).toBe('1234');
    expect(elements('3115000001')[0].decimal).toBe('0.00001');
  });

  it('maps net weight in kg, lb and troy oz to whole grams', () => {
    expect(parse(']C101095060001343523103000195').netWeightG).toBe(195);
    expect(parse(']C101095060001343523100000002').netWeightG).toBe(2000);
    expect(parse(']C101095060001343523105012345').netWeightG).toBe(123); // 0.12345 kg
    expect(parse(']C101095060001343523202000150').netWeightG).toBe(680); // 1.50 lb = 680.39 g
    expect(parse(']C101095060001343523561000100').netWeightG).toBe(311); // 10.0 t oz
  });

  it('leaves gross weight and dimensions in ais only', () => {
    const r = parse(']C1001061414112345678973301001250' + '3122000800');
    expect(r.netWeightG).toBeUndefined();
    expect(r.ais).toMatchObject({ '3301': '001250', '3122': '000800' });
  });
});

describe('quantities', () => {
  it('maps 30 and 37 to quantity (37 wins)', () => {
    expect(parse(`]C10109506000134352` + '3012').quantity).toBe(12);
    expect(parse(`]C1020950600013435237000048${GS}10L1`)).toMatchObject({ quantity: 48, lot: 'L1', gtin: '09506000134352' });
    expect(parse(`]C130${'5'}${GS}37${'7'}`).quantity).toBe(7);
  });
});

describe('locations and parties (GLN)', () => {
  it('reads ship-to / bill-to / physical location GLNs and postcodes', () => {
    const r = parse(`]C14105412345000013414541234500001342112345${GS}420SW1A1AA`);
    expect(r.ais).toMatchObject({ '410': '5412345000013', '414': '5412345000013', '421': '12345', '420': 'SW1A1AA' });
  });

  it('verifies GLN check digits', () => {
    expect(() => parse(']C14145412345000014')).toThrowError(expect.objectContaining({ code: 'bad-check-digit', ai: '414' }));
  });
});

describe('our own codes', () => {
  it('locations by the default pattern', () => {
    expect(parse('A-01-02-03')).toEqual({ kind: 'location', location: 'A-01-02-03', ais: {} });
    expect(parse('AB-120-05-04\r\n')).toMatchObject({ kind: 'location', location: 'AB-120-05-04' });
  });

  it('LPN codes', () => {
    expect(parse('LPN0000123')).toEqual({ kind: 'lpn', lpn: 'LPN0000123', ais: {} });
  });

  it('configurable patterns (even /g ones, scanned repeatedly)', () => {
    const opts = { locationPattern: /^WH1\.[A-Z]\d{3}$/g, lpnPattern: /^P\d{6}$/ };
    for (let k = 0; k < 3; k++) expect(parse('WH1.A123', opts).kind).toBe('location');
    expect(parse('P000001', opts).kind).toBe('lpn');
    expect(parse('A-01-02-03', opts).kind).toBe('unknown');
  });

  it('plain GTIN-8/12/13/14 and SSCC-18 digits', () => {
    expect(parse('96385074')).toMatchObject({ kind: 'gtin', gtin: '00000096385074' });
    expect(parse('036000291452')).toMatchObject({ kind: 'gtin', gtin: '00036000291452', ais: { '01': '00036000291452' } });
    expect(parse('4006381333931')).toMatchObject({ kind: 'gtin', gtin: '04006381333931' });
    expect(parse('09506000134352')).toMatchObject({ kind: 'gtin', gtin: '09506000134352' });
    expect(parse('106141411234567897')).toEqual({ kind: 'sscc', sscc: '106141411234567897', ais: { '00': '106141411234567897' } });
  });

  it('everything else is an unknown SKU candidate, never an error', () => {
    for (const raw of [
      'hello world',
      'SKU-TSHIRT-RED-M',
      '12345678',
      '4006381333932',
      'https://example.com/menu',
      'ÄÖÜ€',
      '(foo)',
      ']X9abc',
    ])
      expect(parse(raw)).toMatchObject({ kind: 'unknown', ais: {} });
    expect(parse('  SKU 1 \n').sku).toBe('SKU 1');
    expect(parse(']X9abc')).toMatchObject({ sku: 'abc', symbology: ']X9' });
  });

  it('reads an unprefixed string as GS1 when the whole of it parses, and says it inferred that', () => {
    expect(parse('1726013110ABC')).toMatchObject({ kind: 'gs1', inferred: true }); // predefined-length AI that validates
    expect(parse('10ABC')).toMatchObject({ kind: 'gs1', lot: 'ABC', inferred: true }); // a lot alone parses whole
    expect(parse('1000234')).toMatchObject({ kind: 'gs1', lot: '00234', inferred: true });
    expect(parse('17999999').kind).toBe('unknown'); // not a date: plain text
    expect(parse('4006381333932').kind).toBe('unknown'); // a GTIN-13 with a bad check digit, not an order number (400)
    expect(parse('10ABC' + GS + '17260131')).not.toHaveProperty('inferred'); // GS is evidence enough
    expect(parse(']C110ABC')).not.toHaveProperty('inferred');
  });
});

describe('AIM symbology identifiers', () => {
  it.each([']C1', ']d2', ']Q3', ']e0', ']J1'])('%s marks a GS1 element string', (id) => {
    expect(parse(`${id}0109506000134352` + '10AB')).toMatchObject({ kind: 'gs1', symbology: id, lot: 'AB' });
  });

  it(']E0 EAN-13 / UPC-A / UPC-E, ]E4 EAN-8, ]E3 with add-on, ]I1 ITF-14', () => {
    expect(parse(']E04006381333931')).toMatchObject({ kind: 'gtin', gtin: '04006381333931', symbology: ']E0' });
    expect(parse(']E00036000291452')).toMatchObject({ gtin: '00036000291452' });
    expect(parse(']E001234565')).toMatchObject({ gtin: '00012345000065' }); // UPC-E → 012345000065
    expect(parse(']E496385074')).toMatchObject({ gtin: '00000096385074', symbology: ']E4' });
    expect(parse(']E3400638133393112')).toMatchObject({ gtin: '04006381333931' });
    expect(parse(']E34006381333931' + '51234')).toMatchObject({ gtin: '04006381333931' });
    expect(parse(']I109506000134352')).toMatchObject({ kind: 'gtin', gtin: '09506000134352', symbology: ']I1' });
  });

  it('non-GS1 symbologies carry our codes and Digital Links', () => {
    expect(parse(']C0A-01-02-03')).toMatchObject({ kind: 'location', symbology: ']C0' });
    expect(parse(']A0LPN42')).toMatchObject({ kind: 'lpn', lpn: 'LPN42' });
    expect(parse(']Q1https://id.gs1.org/01/09506000134352')).toMatchObject({
      kind: 'digital_link',
      gtin: '09506000134352',
      symbology: ']Q1',
    });
  });

  it('reports positions in the raw scan, counting the prefix', () => {
    expect(() => parse(']C10109506000134352' + '17251301')).toThrowError(
      expect.objectContaining({ code: 'invalid-date', ai: '17', position: 19 }),
    );
  });
});

describe('substitute FNC1', () => {
  it.each(['~', '|', '^', '{GS}'])('%s stands for GS', (sub) => {
    const raw = `]C1010950600013435210AB${sub}3103000500${sub}21S1`;
    expect(parse(raw, { fnc1Substitute: sub })).toMatchObject({ lot: 'AB', netWeightG: 500, serial: 'S1' });
  });

  it('plain text that merely contains the substitute stays plain text', () => {
    expect(parse('SKU^RED^M', { fnc1Substitute: '^' })).toMatchObject({ kind: 'unknown', sku: 'SKU^RED^M' });
    expect(() => parse('10AB^17991399', { fnc1Substitute: '^' })).toThrowError(expect.objectContaining({ code: 'invalid-date', ai: '17' }));
  });

  it('U+241D (the visible GS symbol) always stands for GS', () => {
    expect(parse('10AB\u241d0109506000134352')).toMatchObject({ kind: 'gs1', lot: 'AB' });
  });

  it('without the option the substitute is just data', () => {
    expect(() => parse(']C110AB~21S1')).toThrowError(expect.objectContaining({ code: 'invalid-format', ai: '10' }));
  });
});

describe('bracket form', () => {
  it('parses (AI)value text', () => {
    const r = parse('(01)09506000134352(17)260100(10)ABC(3103)000195');
    expect(r).toMatchObject({ kind: 'gs1', gtin: '09506000134352', expiry: '2026-01-31', lot: 'ABC', netWeightG: 195 });
  });

  it('keeps brackets inside values that name no AI', () => {
    expect(parse('(10)A(B)C(21)X').ais).toEqual({ '10': 'A(B)C', '21': 'X' });
  });
});
