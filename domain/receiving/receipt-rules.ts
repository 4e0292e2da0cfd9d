/**
 * Pure rules of receiving by scan: what a scan asks to receive, how many units it stands for, which
 * ASN lines the units count against, and the discrepancies a closed ASN reports. No I/O.
 */
import type { ScanResult } from '../scanning/index.js';
import type { Discrepancy } from './receiving.schemas.js';

export type ReceiptIntent =
  | { kind: 'pallet'; sscc: string }
  | { kind: 'item'; gtin?: string; code?: string; lot: string | null; expiry: string | null; labelCount: number | null };

/** What a parsed scan asks to receive: a whole expected pallet (SSCC alone) or an item (GTIN / GS1 label / SKU code); null if neither. */
export function receiptIntent(scan: ScanResult): ReceiptIntent | null {
  if (scan.sscc && !scan.gtin) return { kind: 'pallet', sscc: scan.sscc };
  if (scan.gtin)
    return { kind: 'item', gtin: scan.gtin, lot: scan.lot ?? null, expiry: scan.expiry ?? null, labelCount: scan.quantity ?? null };
  // An inferred GS1 reading with no GTIN or SSCC is more use as the code it may be (a SKU code or barcode).
  if ((scan.kind === 'unknown' || scan.inferred) && scan.sku)
    return { kind: 'item', code: scan.sku.trim(), lot: null, expiry: null, labelCount: null };
  return null;
}

/**
 * Units (eaches) one receive call books: the scanned pack level's size, times the label's count of
 * contained items (AI 37, as on a case label with AI 02), times how many of them the receiver counted.
 */
export function unitsFor(qtyEach: number, labelCount: number | null, counted: number | undefined): number {
  return qtyEach * (labelCount && labelCount > 0 ? labelCount : 1) * (counted ?? 1);
}

export interface LineState {
  id: string;
  skuId: string;
  lot: string | null;
  qtyExpected: number;
  qtyReceived: number;
  unexpected: boolean;
  sscc: string | null;
}

/**
 * Spreads received units over the ASN lines of the SKU: lines with the same lot first, then lines
 * without a lot, filling what each still expects in line order; what is left goes to the last
 * matching line as an overage. `rest` > 0 means no line matches (an unexpected item).
 */
export function allocateUnits(
  lines: LineState[],
  skuId: string,
  lot: string | null,
  units: number,
): { take: { lineId: string; qty: number }[]; rest: number } {
  const sameLot = lines.filter((l) => l.skuId === skuId && lot !== null && l.lot === lot);
  const anyLot = lines.filter((l) => l.skuId === skuId && l.lot === null);
  const candidates = lot === null ? lines.filter((l) => l.skuId === skuId && l.lot === null) : [...sameLot, ...anyLot];
  if (candidates.length === 0) return { take: [], rest: units };
  const take = new Map<string, number>();
  let left = units;
  for (const l of candidates) {
    if (left === 0) break;
    const open = Math.max(0, l.qtyExpected - l.qtyReceived);
    const q = Math.min(open, left);
    if (q > 0) {
      take.set(l.id, q);
      left -= q;
    }
  }
  if (left > 0) {
    const last = candidates[candidates.length - 1]!;
    take.set(last.id, (take.get(last.id) ?? 0) + left);
  }
  return { take: [...take].map(([lineId, qty]) => ({ lineId, qty })), rest: 0 };
}

export interface ClosingLine {
  sku: string;
  lot: string | null;
  qtyExpected: number;
  qtyReceived: number;
  qtyDamaged: number;
  unexpected: boolean;
  photoUrls?: string[];
}

/** Discrepancies of a closed ASN, per line: short, over, unexpected (not on the ASN), damaged. */
export function discrepanciesOf(lines: ClosingLine[]): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const l of lines) {
    const base = { sku: l.sku, lot: l.lot };
    if (l.unexpected) out.push({ ...base, kind: 'unexpected', expected: 0, received: l.qtyReceived });
    else if (l.qtyReceived < l.qtyExpected) out.push({ ...base, kind: 'short', expected: l.qtyExpected, received: l.qtyReceived });
    else if (l.qtyReceived > l.qtyExpected) out.push({ ...base, kind: 'over', expected: l.qtyExpected, received: l.qtyReceived });
    if (l.qtyDamaged > 0)
      out.push({
        ...base,
        kind: 'damaged',
        expected: l.qtyExpected,
        received: l.qtyDamaged,
        ...(l.photoUrls?.length ? { photoUrls: l.photoUrls } : {}),
      });
  }
  return out;
}
