/**
 * Scan resolution: what a handheld scanned (parsed by domain/scanning) → the SKU (with the pack level
 * the GTIN names), the location or the LPN, with its stock in the warehouse. Two index probes at most:
 * the identifier lookup (sku_barcode PK, sku.code, location (warehouse_id, code), license_plate code/sscc)
 * and the stock read (partial indexes on stock_balance where on_hand > 0).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseScan, toGtin14, type ParseScanOptions, type ScanResult } from '../scanning/index.js';
import { sqlOne } from '../shared/sql.js';
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

/** The identifier lookup for a parsed scan as SQL (one row: what, id, uom_level), or undefined when nothing to look up. */
function lookupSql(warehouseId: string, scan: ScanResult): { q: string; p: unknown[] } | undefined {
  if (scan.gtin) return { q: `select 'sku'::text as what, sku_id as id, uom_level from sku_barcode where barcode = ?`, p: [toGtin14(scan.gtin)] };
  if (scan.sscc) return { q: `select 'lpn'::text as what, id, null::text as uom_level from license_plate where sscc = ? and warehouse_id = ?`, p: [scan.sscc, warehouseId] };
  if (scan.lpn) return { q: `select 'lpn'::text as what, id, null::text as uom_level from license_plate where code = ? and warehouse_id = ?`, p: [scan.lpn, warehouseId] };
  if (scan.location) return { q: `select 'location'::text as what, id, null::text as uom_level from location where warehouse_id = ? and code = ?`, p: [warehouseId, scan.location] };
  const text = scan.sku;
  if (!text) return undefined;
  // Free text: an internal barcode, a SKU code, a location or LPN code; first match wins.
  return {
    q: `select what, id, uom_level from (
      (select 'sku'::text as what, sku_id as id, uom_level, 1 as o from sku_barcode where barcode = ?)
      union all (select 'sku', id, 'each', 2 from sku where code = ?)
      union all (select 'location', id, null, 3 from location where warehouse_id = ? and code = ?)
      union all (select 'lpn', id, null, 4 from license_plate where code = ? and warehouse_id = ?)
      order by o limit 1) h`,
    p: [text, text, warehouseId, text, text, warehouseId],
  };
}

const BAL_JSON = (where: string, order: string) => `(select coalesce(json_agg(x), '[]'::json) from (${BAL_SELECT} ${where} order by ${order} limit ${STOCK_LIMIT}) x)`;

/**
 * Parses and resolves one scan in a warehouse in ONE round trip: the lookup is a CTE and the
 * matched object's header, totals and stock are scalar subqueries (only the matching kind's run).
 * A malformed GS1/GTIN scan throws ScanError.
 */
export async function resolveScan(em: EntityManager, warehouseId: string, raw: string, opts: ParseScanOptions = {}): Promise<{ scan: ScanResult; match: ScanMatch }> {
  const scan = parseScan(raw, opts);
  const look = lookupSql(warehouseId, scan);
  if (!look) return { scan, match: { kind: 'none', stock: [] } };
  const row = await sqlOne<{ what: 'sku' | 'location' | 'lpn'; id: string; uom_level: string | null; head: any; totals: any; stock: any[] }>(em, `
    with hit as (${look.q})
    select hit.what, hit.id, hit.uom_level,
      case hit.what
        when 'sku' then (select json_build_object('id', s.id, 'code', s.code, 'name', s.name, 'trackLot', s.track_lot, 'trackExpiry', s.track_expiry,
          'trackSerial', s.track_serial, 'qtyEach', coalesce(u.qty_each, 1))
          from sku s left join sku_uom u on u.sku_id = s.id and u.level = coalesce(hit.uom_level, 'each') where s.id = hit.id)
        when 'location' then (select json_build_object('id', id, 'code', code, 'type', type) from location where id = hit.id)
        else (select json_build_object('id', id, 'code', code, 'sscc', sscc, 'type', type, 'locationId', location_id) from license_plate where id = hit.id)
      end as head,
      case when hit.what = 'sku' then (select json_build_object('onHand', coalesce(sum(on_hand), 0), 'reserved', coalesce(sum(reserved), 0),
          'available', coalesce(sum(case when status = 'available' then on_hand - reserved else 0 end), 0))
        from stock_balance where sku_id = hit.id and warehouse_id = ? and on_hand > 0) end as totals,
      case hit.what
        when 'sku' then ${BAL_JSON(`where b.sku_id = hit.id and b.warehouse_id = ? and b.on_hand > 0 and (?::text is null or b.lot = ?)`, 'b.expiry nulls last, l.code')}
        when 'location' then ${BAL_JSON('where b.location_id = hit.id and b.on_hand > 0', 's.code, b.lot')}
        else (select coalesce(json_agg(x), '[]'::json) from (
          with recursive t as (select hit.id as id union all select p.id from license_plate p join t on p.parent_id = t.id)
          ${BAL_SELECT} join t on t.id = b.lpn_id where b.on_hand > 0 order by lp.code, s.code limit ${STOCK_LIMIT}) x)
      end as stock
    from hit`, [...look.p, warehouseId, warehouseId, scan.lot ?? null, scan.lot ?? null]);
  if (!row) return { scan, match: { kind: 'none', stock: [] } };
  const stock = (row.stock ?? []).map(toBalanceView);
  if (row.what === 'sku') {
    const h = row.head;
    return {
      scan,
      match: {
        kind: 'sku',
        sku: { id: h.id, code: h.code, name: h.name, uomLevel: row.uom_level ?? 'each', qtyEach: h.qtyEach, trackLot: h.trackLot, trackExpiry: h.trackExpiry, trackSerial: h.trackSerial },
        totals: { onHand: Number(row.totals.onHand), reserved: Number(row.totals.reserved), available: Number(row.totals.available) },
        stock,
      },
    };
  }
  if (row.what === 'location') return { scan, match: { kind: 'location', location: row.head, stock } };
  return { scan, match: { kind: 'lpn', lpn: row.head, stock } };
}
