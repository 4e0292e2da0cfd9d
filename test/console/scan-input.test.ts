import { describe, expect, it } from 'vitest';
import { diagnoseWedge, TEST_LABEL } from '../../web-console/src/scan/diagnose.js';
import { describeReading, readScan } from '../../web-console/src/scan/readings.js';

// The console's pure scan helpers: what the self-test concludes, and when a scan has more than one reading.
const GS = '\x1d';
const good = `]C101${TEST_LABEL.gtin}10${TEST_LABEL.lot}${GS}21${TEST_LABEL.serial}`;
const cap = (text: string, more: Partial<Parameters<typeof diagnoseWedge>[0]> = {}) =>
  diagnoseWedge({ text, terminator: 'Enter', keyEvents: text.length, gsChar: '', ...more }).map((f) => f.code);

describe('scanner self-test diagnosis', () => {
  it('passes a correctly set up wedge', () => {
    expect(cap(good)).toEqual(['ok']);
    expect(cap(good.replace(GS, '~'), { gsChar: '~' })).toEqual(['ok']);
  });
  it('names each misconfiguration it sees', () => {
    expect(cap(good.replace(GS, ''))).toEqual(['gsLost']);
    expect(diagnoseWedge({ text: good.replace(GS, '|'), terminator: 'Enter', keyEvents: 99, gsChar: '' })).toContainEqual({
      code: 'gsAs',
      sent: '|',
    });
    expect(cap(good.slice(3))).toEqual(['aimStripped']);
    expect(cap(good, { terminator: undefined })).toEqual(['noSuffix']);
    expect(diagnoseWedge({ text: good + 'X', terminator: 'Enter', keyEvents: 99, gsChar: '' })).toContainEqual({
      code: 'extraSuffix',
      extra: 'X',
    });
    expect(cap(good, { keyEvents: 3 })).toEqual(['notEvents']);
    expect(cap('hello')).toEqual(['aimStripped', 'unrecognised']);
  });
});

describe('scan readings', () => {
  it('reads an unambiguous scan one way', () => {
    const r = readScan(good);
    expect(r.ok && r.readings).toHaveLength(1);
    expect(readScan('A-01-02-03')).toMatchObject({ ok: true, readings: [{ kind: 'location', location: 'A-01-02-03' }] });
  });
  it('offers every reading when a lot that looks like an AI arrives without GS', () => {
    // Lot "A17270101" followed by nothing: either lot A17270101, or lot A + expiry 2027-01-01.
    const r = readScan(`]C101${TEST_LABEL.gtin}10A17270101`);
    expect(r.ok).toBe(true);
    const lots = r.ok ? r.readings.map((x) => [x.lot, x.expiry ?? null]) : [];
    expect(lots).toEqual([
      ['A17270101', null],
      ['A', '2027-01-01'],
    ]);
    // The chooser lists each reading's AIs in AI order.
    expect(r.ok && describeReading(r.readings[1]!)).toBe(`(01) ${TEST_LABEL.gtin}  (10) A  (17) 270101`);
  });
  it('uses the configured GS replacement and reports unreadable scans with the parser reason', () => {
    const r = readScan(`]C101${TEST_LABEL.gtin}10LOT1~17270101`, { gsChar: '~' });
    expect(r.ok && r.readings.map((x) => [x.lot, x.expiry])).toEqual([['LOT1', '2027-01-01']]);
    const bad = readScan(`]C10104012345000001`);
    expect(bad.ok).toBe(false);
  });
});
