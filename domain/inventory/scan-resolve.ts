/**
 * Scan resolution: what a handheld scanned (parsed by domain/scanning) → the SKU (with the pack level
 * the GTIN names), the location or the LPN, with its stock in the warehouse (at most 50 balances).
 * Index probes only: barcode → SKU, a pack level's quantity and the SKU's header by index-only scans, sku.code,
 * location (warehouse_id, code), license_plate code/sscc, then index-only scans of the covering indexes on
 * stock_balance (by SKU, by location, by LPN), whose entries carry the SKU and location codes the lists show: at 500k
 * SKUs / 50k locations 12–17 buffer pages per item scan, 10 per LPN scan, 11 per location scan
 * (migrations/…133001_scan_resolve_index_only.ts, …140001_scan_resolve_sku_head.ts, …164502_balance_sku_code.ts,
 * …200101_balance_location_code.ts; `npm run bench -- scan` prints them).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { isScanError, parseScan, splitSymbology, toGtin14, type ParseScanOptions, type ScanResult } from '../scanning/index.js';
import { sqlPreparedOne } from '../shared/sql.js';
import { toBalanceView } from './stock-queries.js';
import type { ScanMatch } from './inventory.schemas.js';

/** What to look up for a parsed scan: the kind of key and the key itself (GTINs as GTIN-14). Exported for bench/scan. */
export function lookupKey(scan: ScanResult): { kind: 'gtin' | 'sscc' | 'lpn' | 'location' | 'text'; key: string } | undefined {
  if (scan.gtin) return { kind: 'gtin', key: toGtin14(scan.gtin) };
  if (scan.sscc) return { kind: 'sscc', key: scan.sscc };
  if (scan.lpn) return { kind: 'lpn', key: scan.lpn };
  if (scan.location) return { kind: 'location', key: scan.location };
  return scan.sku ? { kind: 'text', key: scan.sku } : undefined;
}

/**
 * Parses and resolves one scan in a warehouse in ONE round trip through the database function
 * inventory_scan_resolve (migrations/…133001_scan_resolve_index_only.ts), whose plans are cached per connection: the
 * lookup by index, then the matched object's header, totals and stock. A malformed GS1/GTIN scan
 * throws ScanError.
 */
export async function resolveScan(
  em: EntityManager,
  warehouseId: string,
  raw: string,
  opts: ParseScanOptions = {},
): Promise<{ scan: ScanResult; match: ScanMatch }> {
  // Without an AIM identifier nothing but the content says GS1: our own codes come first, so a SKU,
  // barcode, location or LPN that is exactly this text wins over reading it as an element string.
  const text = raw.trim();
  const unprefixed = splitSymbology(text).symbology === undefined;
  let scan: ScanResult;
  try {
    scan = parseScan(raw, opts);
  } catch (err) {
    if (!unprefixed || !isScanError(err)) throw err;
    const own = await lookup(em, warehouseId, { kind: 'text', key: text });
    if (own) return { scan: { kind: 'unknown', sku: text, ais: {} }, match: own };
    throw err;
  }
  if (scan.inferred) {
    const own = await lookup(em, warehouseId, { kind: 'text', key: text });
    if (own) return { scan: { kind: 'unknown', sku: text, ais: {} }, match: own };
  }
  const look = lookupKey(scan);
  const match = look ? await lookup(em, warehouseId, look, scan.lot) : undefined;
  return { scan, match: match ?? { kind: 'none', stock: [] } };
}
export type LookupRow = {
  r: { what: 'sku' | 'location' | 'lpn'; id: string; uom_level: string | null; head: any; totals: any; stock: any[] } | null;
};

/** One call of inventory_scan_resolve; undefined when nothing matches. */
async function lookup(
  em: EntityManager,
  warehouseId: string,
  look: { kind: 'gtin' | 'sscc' | 'lpn' | 'location' | 'text'; key: string },
  lot?: string,
): Promise<ScanMatch | undefined> {
  // A named prepared statement: parsed once per connection (em.execute inlines the values, a new text each scan).
  const res = await sqlPreparedOne<LookupRow>(em, 'select inventory_scan_resolve(?, ?, ?::uuid, ?) as r', [
    look.kind,
    look.key,
    warehouseId,
    lot ?? null,
  ]);
  const row = res?.r;
  if (!row) return undefined;
  const stock = (row.stock ?? []).map(toBalanceView);
  if (row.what === 'sku') {
    const h = row.head;
    return {
      kind: 'sku',
      sku: {
        id: h.id,
        code: h.code,
        name: h.name,
        uomLevel: row.uom_level ?? 'each',
        qtyEach: h.qtyEach,
        trackLot: h.trackLot,
        trackExpiry: h.trackExpiry,
        trackSerial: h.trackSerial,
      },
      totals: { onHand: Number(row.totals.onHand), reserved: Number(row.totals.reserved), available: Number(row.totals.available) },
      stock,
    };
  }
  if (row.what === 'location') return { kind: 'location', location: row.head, stock };
  return { kind: 'lpn', lpn: row.head, stock };
}
