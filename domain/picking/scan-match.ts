import type { EntityManager } from '@mikro-orm/postgresql';
import { isScanError, parseScan, type ScanResult } from '../scanning/index.js';
import { BadRequest, ValidationFailed } from '../shared/errors.js';
import { sqlOne } from '../shared/sql.js';
import type { SkuBarcodeRow } from '../catalog/entities/sku-barcode.entity.js';
import type { SkuUomRow } from '../catalog/entities/sku-uom.entity.js';

/** Parses a scan; an unreadable one is a 400 with the parser's reason. */
export function readScan(raw: string, field: string): ScanResult {
  try {
    return parseScan(raw);
  } catch (err) {
    if (isScanError(err))
      throw new BadRequest(
        `The ${field} scan is unreadable: ${err.detail}`,
        [{ path: `body.${field}`, message: err.detail, code: err.code }],
        'scan-unreadable',
      );
    throw err;
  }
}

/** The location code a scan names (internal location label, else the text as sent). */
export function scannedLocation(raw: string): string {
  const s = readScan(raw, 'locationScan');
  return (s.location ?? s.sku ?? raw).trim();
}

/** The tote code a scan names (an LPN label, else the text as sent), upper-cased. */
export function scannedTote(raw: string): string {
  const s = readScan(raw, 'toteScan');
  const code = (s.lpn ?? s.sku ?? raw).trim().toUpperCase();
  if (!/^[A-Z0-9_-]{1,32}$/.test(code))
    throw new BadRequest(`"${code}" is not a tote label`, [{ path: 'body.toteScan', message: 'not a tote label' }], 'not-a-tote');
  return code;
}

export interface ScannedItem {
  skuId: string;
  lot: string | null;
  expiry: string | null;
  /** AI 37 count when the label carries one (a case label). */
  quantity: number | null;
}

/** GTIN-14 and its shorter forms (GTIN-13/12/8 as printed), for barcode lookup. */
function gtinForms(gtin14: string): string[] {
  return [gtin14, gtin14.slice(1), gtin14.slice(2), gtin14.slice(6)];
}

/**
 * The SKU an item scan stands for: a GS1 scan by its GTIN (with lot/expiry from AIs 10/17), else
 * a SKU barcode or SKU code as sent. Unknown codes are a 422 the handheld shows as "wrong item".
 */
export async function resolveItemScan(em: EntityManager, raw: string): Promise<ScannedItem> {
  const s = readScan(raw, 'itemScan');
  let row: { sku_id: string } | undefined;
  const code = (s.sku ?? raw).trim();
  const byCode = () =>
    sqlOne<Pick<SkuBarcodeRow, 'sku_id'>>(
      em,
      `select sku_id from sku_barcode where barcode = ? union all select id from sku where code = ? limit 1`,
      [code, code],
    );
  // Only the content said GS1 (no AIM identifier): a SKU barcode or code that is exactly the text wins.
  if (s.inferred) {
    row = await byCode();
    if (row) return { skuId: row.sku_id, lot: null, expiry: null, quantity: null };
  }
  if (s.gtin) {
    row = await sqlOne<Pick<SkuBarcodeRow, 'sku_id'>>(em, 'select sku_id from sku_barcode where barcode = any(?::text[]) limit 1', [
      `{${gtinForms(s.gtin).join(',')}}`,
    ]);
    if (!row)
      row = await sqlOne<Pick<SkuUomRow, 'sku_id'>>(em, 'select sku_id from sku_uom where gtin = any(?::text[]) limit 1', [
        `{${gtinForms(s.gtin).join(',')}}`,
      ]);
  } else if (!s.inferred) {
    row = await byCode();
  }
  if (!row)
    throw new ValidationFailed(
      `No SKU has the barcode ${raw.trim()}`,
      [{ path: 'body.itemScan', message: 'unknown barcode' }],
      'unknown-item',
    );
  return { skuId: row.sku_id, lot: s.lot ?? null, expiry: s.expiry ?? null, quantity: s.quantity ?? null };
}
