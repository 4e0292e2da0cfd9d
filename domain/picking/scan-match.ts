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

/** What an item scan asks the catalogue: the code as sent, and the GTIN forms when the scan carries a GTIN. */
export interface ItemScanQuery {
  scan: ScanResult;
  raw: string;
  code: string;
  gtinForms: string[] | null;
}

export function itemScanQuery(raw: string): ItemScanQuery {
  const scan = readScan(raw, 'itemScan');
  return { scan, raw, code: (scan.sku ?? raw).trim(), gtinForms: scan.gtin ? gtinForms(scan.gtin) : null };
}

/** The SKUs the catalogue found for a scan: by barcode or SKU code, by GTIN barcode, by a unit of measure's GTIN. */
export interface ItemScanHits {
  byCode: string | null;
  byGtin: string | null;
  byUom: string | null;
}

/**
 * Which SKU the scan stands for, given what the catalogue found. Only the content said GS1 (no AIM identifier):
 * a SKU barcode or code that is exactly the text wins. Unknown codes are a 422 the handheld shows as "wrong item".
 */
export function scannedItem(q: ItemScanQuery, hits: ItemScanHits): ScannedItem {
  const s = q.scan;
  if (s.inferred && hits.byCode) return { skuId: hits.byCode, lot: null, expiry: null, quantity: null };
  const skuId = s.gtin ? (hits.byGtin ?? hits.byUom) : !s.inferred ? hits.byCode : null;
  if (!skuId)
    throw new ValidationFailed(
      `No SKU has the barcode ${q.raw.trim()}`,
      [{ path: 'body.itemScan', message: 'unknown barcode' }],
      'unknown-item',
    );
  return { skuId, lot: s.lot ?? null, expiry: s.expiry ?? null, quantity: s.quantity ?? null };
}

/** SQL of the three catalogue look-ups (scalar subqueries by_code, by_gtin, by_uom) and their parameters. */
export function itemScanSql(q: ItemScanQuery): { columns: string; params: unknown[] } {
  const forms = q.gtinForms ? `{${q.gtinForms.join(',')}}` : '{}';
  return {
    columns: `(select sku_id from sku_barcode where barcode = ? union all select id from sku where code = ? limit 1) as by_code,
      (select sku_id from sku_barcode where barcode = any(?::text[]) limit 1) as by_gtin,
      (select sku_id from sku_uom where gtin = any(?::text[]) limit 1) as by_uom`,
    params: [q.code, q.code, forms, forms],
  };
}

/** The SKU an item scan stands for: a GS1 scan by its GTIN (with lot/expiry from AIs 10/17), else a SKU barcode or SKU code as sent. */
export async function resolveItemScan(em: EntityManager, raw: string): Promise<ScannedItem> {
  const q = itemScanQuery(raw);
  const byCode = async () =>
    (
      await sqlOne<Pick<SkuBarcodeRow, 'sku_id'>>(
        em,
        `select sku_id from sku_barcode where barcode = ? union all select id from sku where code = ? limit 1`,
        [q.code, q.code],
      )
    )?.sku_id ?? null;
  const hits: ItemScanHits = { byCode: null, byGtin: null, byUom: null };
  if (q.scan.inferred || !q.gtinForms) hits.byCode = await byCode();
  if (q.gtinForms && !(q.scan.inferred && hits.byCode)) {
    const forms = `{${q.gtinForms.join(',')}}`;
    hits.byGtin =
      (await sqlOne<Pick<SkuBarcodeRow, 'sku_id'>>(em, 'select sku_id from sku_barcode where barcode = any(?::text[]) limit 1', [forms]))
        ?.sku_id ?? null;
    if (!hits.byGtin)
      hits.byUom =
        (await sqlOne<Pick<SkuUomRow, 'sku_id'>>(em, 'select sku_id from sku_uom where gtin = any(?::text[]) limit 1', [forms]))?.sku_id ??
        null;
  }
  return scannedItem(q, hits);
}
