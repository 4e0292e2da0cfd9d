/**
 * Scan resolution: what a handheld scanned (parsed by domain/scanning) → the SKU (with the pack level
 * the GTIN names), the location or the LPN, with its stock in the warehouse. Two index probes at most:
 * the identifier lookup (sku_barcode PK, sku.code, location (warehouse_id, code), license_plate code/sscc)
 * and the stock read (partial indexes on stock_balance where on_hand > 0).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseScan, toGtin14, type ParseScanOptions, type ScanResult } from '../scanning/index.js';
import { sql, sqlOne } from '../shared/sql.js';
import { toBalanceView, type BalanceView } from './stock-queries.js';

export interface ScanMatch {
  kind: 'sku' | 'location' | 'lpn' | 'none';
  sku?: { id: string; code: string; name: string; uomLevel: string; qtyEach: number; trackLot: boolean; trackExpiry: boolean; trackSerial: boolean };
  location?: { id: string; code: string; type: string };
  lpn?: { id: string; code: string; sscc: string | null; type: string; locationId: string | null };
  totals?: { onHand: number; reserved: number; available: number };
  stock: BalanceView[];
}

const STOCK_LIMIT = 50;
const BAL_SELECT = `select b.id, b.location_id, l.code as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry,
  b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
  from stock_balance b join location l on l.id = b.location_id join sku s on s.id = b.sku_id left join license_plate lp on lp.id = b.lpn_id`;

type Hit = { what: 'sku' | 'location' | 'lpn'; id: string; uom_level: string | null };

/** Finds the thing a scan names: GTIN/internal barcode, SKU code, location code or LPN code/SSCC, in that order. */
async function lookup(em: EntityManager, warehouseId: string, scan: ScanResult): Promise<Hit | undefined> {
  if (scan.gtin) {
    return sqlOne<Hit>(em, `select 'sku' as what, sku_id as id, uom_level from sku_barcode where barcode = ?`, [toGtin14(scan.gtin)]);
  }
  if (scan.sscc) return sqlOne<Hit>(em, `select 'lpn' as what, id, null as uom_level from license_plate where sscc = ? and warehouse_id = ?`, [scan.sscc, warehouseId]);
  if (scan.lpn) return sqlOne<Hit>(em, `select 'lpn' as what, id, null as uom_level from license_plate where code = ? and warehouse_id = ?`, [scan.lpn, warehouseId]);
  if (scan.location) return sqlOne<Hit>(em, `select 'location' as what, id, null as uom_level from location where warehouse_id = ? and code = ?`, [warehouseId, scan.location]);
  const text = scan.sku;
  if (!text) return undefined;
  // Free text: an internal barcode, a SKU code, a location or LPN code; one statement, first match wins.
  return sqlOne<Hit>(em, `
    (select 'sku' as what, sku_id as id, uom_level, 1 as o from sku_barcode where barcode = ?)
    union all (select 'sku', id, 'each', 2 from sku where code = ?)
    union all (select 'location', id, null, 3 from location where warehouse_id = ? and code = ?)
    union all (select 'lpn', id, null, 4 from license_plate where code = ? and warehouse_id = ?)
    order by o limit 1`, [text, text, warehouseId, text, text, warehouseId]);
}

/** Parses and resolves one scan in a warehouse; a malformed GS1/GTIN scan throws ScanError. */
export async function resolveScan(em: EntityManager, warehouseId: string, raw: string, opts: ParseScanOptions = {}): Promise<{ scan: ScanResult; match: ScanMatch }> {
  const scan = parseScan(raw, opts);
  const hit = await lookup(em, warehouseId, scan);
  if (!hit) return { scan, match: { kind: 'none', stock: [] } };
  if (hit.what === 'sku') {
    // Sequential, few round trips: SKU + pack level + warehouse totals in one statement, then the balances.
    const sku = (await sqlOne<Record<string, any>>(em, `select s.id, s.code, s.name, s.track_lot, s.track_expiry, s.track_serial, coalesce(u.qty_each, 1) as qty_each,
        t.on_hand, t.reserved, t.available
      from sku s left join sku_uom u on u.sku_id = s.id and u.level = ?
      cross join lateral (select coalesce(sum(on_hand),0) as on_hand, coalesce(sum(reserved),0) as reserved,
        coalesce(sum(case when status = 'available' then on_hand - reserved else 0 end),0) as available
        from stock_balance where sku_id = s.id and warehouse_id = ? and on_hand > 0) t
      where s.id = ?`, [hit.uom_level ?? 'each', warehouseId, hit.id]))!;
    const rows = await sql<any>(em, `${BAL_SELECT} where b.sku_id = ? and b.warehouse_id = ? and b.on_hand > 0 and (?::text is null or b.lot = ?)
        order by b.expiry nulls last, l.code limit ${STOCK_LIMIT}`, [hit.id, warehouseId, scan.lot ?? null, scan.lot ?? null]);
    return {
      scan,
      match: {
        kind: 'sku',
        sku: { id: sku.id, code: sku.code, name: sku.name, uomLevel: hit.uom_level ?? 'each', qtyEach: sku.qty_each, trackLot: sku.track_lot, trackExpiry: sku.track_expiry, trackSerial: sku.track_serial },
        totals: { onHand: Number(sku.on_hand), reserved: Number(sku.reserved), available: Number(sku.available) },
        stock: rows.map(toBalanceView),
      },
    };
  }
  if (hit.what === 'location') {
    const loc = await sqlOne<Record<string, any>>(em, 'select id, code, type from location where id = ?', [hit.id]);
    const rows = await sql<any>(em, `${BAL_SELECT} where b.location_id = ? and b.on_hand > 0 order by s.code, b.lot limit ${STOCK_LIMIT}`, [hit.id]);
    return { scan, match: { kind: 'location', location: { id: loc!.id, code: loc!.code, type: loc!.type }, stock: rows.map(toBalanceView) } };
  }
  const lpn = await sqlOne<Record<string, any>>(em, 'select id, code, sscc, type, location_id from license_plate where id = ?', [hit.id]);
  const rows = await sql<any>(em, `with recursive t as (select ?::uuid as id union all select p.id from license_plate p join t on p.parent_id = t.id)
      ${BAL_SELECT} join t on t.id = b.lpn_id where b.on_hand > 0 order by lp.code, s.code limit ${STOCK_LIMIT}`, [hit.id]);
  return { scan, match: { kind: 'lpn', lpn: { id: lpn!.id, code: lpn!.code, sscc: lpn!.sscc, type: lpn!.type, locationId: lpn!.location_id }, stock: rows.map(toBalanceView) } };
}
