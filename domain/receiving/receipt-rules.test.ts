import { describe, expect, it } from 'vitest';
import { parseScan } from '../scanning/index.js';
import { allocateUnits, discrepanciesOf, receiptIntent, unitsFor, type LineState } from './receipt-rules.js';

const line = (id: string, o: Partial<LineState> = {}): LineState => ({
  id,
  skuId: 'S',
  lot: null,
  qtyExpected: 10,
  qtyReceived: 0,
  unexpected: false,
  sscc: null,
  ...o,
});

describe('receipt rules', () => {
  it('reads an SSCC as a pallet, a case label as an item with lot, expiry and count', () => {
    expect(receiptIntent(parseScan(']C100387123450000000012'))).toEqual({ kind: 'pallet', sscc: '387123450000000012' });
    expect(receiptIntent(parseScan('(02)08712345000028(37)12(10)AB1(17)270131'))).toEqual({
      kind: 'item',
      gtin: '08712345000028',
      lot: 'AB1',
      expiry: '2027-01-31',
      labelCount: 12,
    });
    expect(receiptIntent(parseScan('SKU-LOOSE'))).toMatchObject({ kind: 'item', code: 'SKU-LOOSE' });
    expect(receiptIntent(parseScan('A-01-02-03'))).toBeNull();
  });

  it('multiplies pack size, label count and counted quantity', () => {
    expect(unitsFor(24, null, undefined)).toBe(24);
    expect(unitsFor(1, 12, undefined)).toBe(12);
    expect(unitsFor(6, null, 3)).toBe(18);
  });

  it('fills same-lot lines first, then lot-less ones, and books the rest as over on the last', () => {
    const lines = [line('a', { lot: 'L1', qtyExpected: 5 }), line('b', { qtyExpected: 5 }), line('c', { lot: 'L2' })];
    expect(allocateUnits(lines, 'S', 'L1', 12).take).toEqual([
      { lineId: 'a', qty: 5 },
      { lineId: 'b', qty: 7 },
    ]);
    expect(allocateUnits(lines, 'S', null, 3).take).toEqual([{ lineId: 'b', qty: 3 }]);
    expect(allocateUnits(lines, 'OTHER', null, 3)).toEqual({ take: [], rest: 3 });
  });

  it('reports short, over, unexpected and damaged lines', () => {
    const d = discrepanciesOf([
      { sku: 'A', lot: null, qtyExpected: 10, qtyReceived: 10, qtyDamaged: 0, unexpected: false },
      { sku: 'B', lot: null, qtyExpected: 10, qtyReceived: 7, qtyDamaged: 1, unexpected: false },
      { sku: 'C', lot: 'X', qtyExpected: 10, qtyReceived: 12, qtyDamaged: 0, unexpected: false },
      { sku: 'D', lot: null, qtyExpected: 0, qtyReceived: 3, qtyDamaged: 0, unexpected: true },
    ]);
    expect(d.map((x) => [x.sku, x.kind, x.expected, x.received])).toEqual([
      ['B', 'short', 10, 7],
      ['B', 'damaged', 10, 1],
      ['C', 'over', 10, 12],
      ['D', 'unexpected', 0, 3],
    ]);
  });
});

describe('capped CSV stream', () => {
  it('passes a body under the cap and stops past it with a 413 problem', async () => {
    const { capped } = await import('./asn-csv.service.js');
    const read = async (chunks: string[], max: number) => {
      const out: string[] = [];
      for await (const c of capped(
        (async function* () {
          yield* chunks;
        })(),
        max,
      ))
        out.push(String(c));
      return out.join('');
    };
    expect(await read(['ab', 'cd'], 4)).toBe('abcd');
    await expect(read(['ab', 'cd', 'e'], 4)).rejects.toMatchObject({ status: 413, type: 'payload-too-large' });
  });
});
