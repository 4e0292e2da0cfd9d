/**
 * Read side of the ledger: balances, per-SKU totals, stock as of a past moment (ledger replay),
 * movement history, low-stock and near-expiry lists. All keyset-paginated and warehouse-scoped
 * (the caller checks the warehouse against the actor).
 */
import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import type { StockMovementRow } from './entities/stock-movement.entity.js';
import type { StockBalanceRow } from './entities/stock-balance.entity.js';
import type { LicensePlateRow } from './entities/license-plate.entity.js';
import type { LocationRow } from '../layout/entities/location.entity.js';
import type { AsOfView, BalanceView, MovementView, SkuStockView } from './inventory.schemas.js';

/** Keysets of the stock lists (the opaque cursor holds the last row's sort key). */
const byId = keyset(['uuid']);
const byBigId = keyset(['bigint']);
const byCode = keyset(['text']);
const byExpiry = keyset(['time', 'uuid']);

export interface BalanceFilter {
  warehouseId: string;
  skuId?: string;
  locationId?: string;
  lot?: string;
  status?: string;
  lpnId?: string;
  includeZero?: boolean;
  cursor?: string;
  limit: number;
}

const BALANCE_COLS = `b.id, b.location_id, l.code as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry,
  b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at`;

/** BALANCE_COLS; also the `stock` items of inventory_scan_resolve (json_agg of the same columns: timestamps arrive as strings too). */
type BalanceRow = Pick<
  StockBalanceRow,
  'id' | 'location_id' | 'sku_id' | 'lot' | 'expiry' | 'lpn_id' | 'status' | 'on_hand' | 'reserved' | 'updated_at'
> & {
  location_code: LocationRow['code'];
  sku_code: SkuRow['code'];
  lpn_code: LicensePlateRow['code'] | null;
};

export function toBalanceView(r: BalanceRow): BalanceView {
  return {
    id: r.id,
    locationId: r.location_id,
    locationCode: r.location_code,
    skuId: r.sku_id,
    skuCode: r.sku_code,
    lot: r.lot,
    expiry: r.expiry,
    lpnId: r.lpn_id,
    lpnCode: r.lpn_code,
    status: r.status,
    onHand: r.on_hand,
    reserved: r.reserved,
    available: r.status === 'available' ? r.on_hand - r.reserved : 0,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Balance rows by SKU / location / lot / status / LPN, ordered by id for stable keyset pages. */
export async function listBalances(em: EntityManager, f: BalanceFilter): Promise<{ items: BalanceView[]; nextCursor: string | null }> {
  const after = byId.after(f.cursor);
  const rows = await sql<BalanceRow>(
    em,
    `
    select ${BALANCE_COLS}
    from stock_balance b join location l on l.id = b.location_id join sku s on s.id = b.sku_id left join license_plate lp on lp.id = b.lpn_id
    where b.warehouse_id = ? and (? or b.on_hand > 0)
      and (?::uuid is null or b.sku_id = ?::uuid) and (?::uuid is null or b.location_id = ?::uuid)
      and (?::text is null or b.lot = ?) and (?::text is null or b.status = ?) and (?::uuid is null or b.lpn_id = ?::uuid)
      and (?::uuid is null or b.id > ?::uuid)
    order by b.id limit ?`,
    [
      f.warehouseId,
      !!f.includeZero,
      f.skuId ?? null,
      f.skuId ?? null,
      f.locationId ?? null,
      f.locationId ?? null,
      f.lot ?? null,
      f.lot ?? null,
      f.status ?? null,
      f.status ?? null,
      f.lpnId ?? null,
      f.lpnId ?? null,
      after?.[0] ?? null,
      after?.[0] ?? null,
      f.limit + 1,
    ],
  );
  const p = byId.page(rows, f.limit, (r) => [r.id]);
  return { items: p.items.map(toBalanceView), nextCursor: p.nextCursor };
}

export type StockBySkuRow = Pick<SkuRow, 'code' | 'name'> & {
  sku_id: string;
  on_hand: string;
  reserved: string;
  available: string;
  quarantined: string;
  damaged: string;
  locations: string;
};

/** On hand / reserved / available per SKU in a warehouse (optionally one SKU or one lot). */
export async function stockBySku(
  em: EntityManager,
  f: { warehouseId: string; skuId?: string; lot?: string; cursor?: string; limit: number },
) {
  const after = byCode.after(f.cursor);
  const rows = await sql<StockBySkuRow>(
    em,
    `
    select s.id as sku_id, s.code, s.name,
      sum(b.on_hand) as on_hand, sum(b.reserved) as reserved,
      sum(case when b.status = 'available' then b.on_hand - b.reserved else 0 end) as available,
      sum(case when b.status = 'quarantine' then b.on_hand else 0 end) as quarantined,
      sum(case when b.status = 'damaged' then b.on_hand else 0 end) as damaged,
      count(distinct b.location_id) as locations
    from stock_balance b join sku s on s.id = b.sku_id
    where b.warehouse_id = ? and b.on_hand > 0 and (?::uuid is null or b.sku_id = ?::uuid) and (?::text is null or b.lot = ?)
      and (?::text is null or s.code > ?)
    group by s.id, s.code, s.name order by s.code limit ?`,
    [f.warehouseId, f.skuId ?? null, f.skuId ?? null, f.lot ?? null, f.lot ?? null, after?.[0] ?? null, after?.[0] ?? null, f.limit + 1],
  );
  const p = byCode.page(rows, f.limit, (r) => [r.code]);
  return {
    items: p.items.map((r): SkuStockView => ({
      skuId: r.sku_id,
      skuCode: r.code,
      name: r.name,
      onHand: Number(r.on_hand),
      reserved: Number(r.reserved),
      available: Number(r.available),
      quarantined: Number(r.quarantined),
      damaged: Number(r.damaged),
      locations: Number(r.locations),
    })),
    nextCursor: p.nextCursor,
  };
}

export type StockAsOfView = Pick<StockMovementRow, 'sku_id'> & {
  balance_id: string;
  location_id: string;
  location_code: string;
  lot: string | null;
  expiry: string | null;
  lpn_id: string | null;
  status: string;
  on_hand: string;
};

type AsOfFilter = { warehouseId: string; at: string; skuId?: string; locationId?: string; cursor?: string; limit: number };

/** The one statement of a stockAsOf page (exported so a test can EXPLAIN what a page reads). */
export function stockAsOfQuery(f: AsOfFilter): { text: string; params: unknown[] } {
  const after = byId.after(f.cursor);
  return {
    text: `
    with b as (
      select id, location_id, sku_id, lot, expiry, lpn_id, status, on_hand from stock_balance
      where warehouse_id = ? and (?::uuid is null or sku_id = ?::uuid) and (?::uuid is null or location_id = ?::uuid)
        and (?::uuid is null or id > ?::uuid)
      order by id limit ?
    )
    select b.id as balance_id, b.location_id, l.code as location_code, b.sku_id, b.lot, b.expiry::text as expiry, b.lpn_id, b.status,
      b.on_hand
        - coalesce((select sum(m.qty) from stock_movement m where m.to_balance_id = b.id and m.created_at > ?::timestamptz), 0)
        + coalesce((select sum(m.qty) from stock_movement m where m.from_balance_id = b.id and m.created_at > ?::timestamptz), 0) as on_hand
    from b join location l on l.id = b.location_id
    order by b.id`,
    params: [
      f.warehouseId,
      f.skuId ?? null,
      f.skuId ?? null,
      f.locationId ?? null,
      f.locationId ?? null,
      after?.[0] ?? null,
      after?.[0] ?? null,
      f.limit,
      f.at,
      f.at,
    ],
  };
}

/**
 * Stock at a past moment, bounded per page: one page walks at most `limit` balances of the warehouse (in id order,
 * zero balances included, since they may have held stock then) and takes back, per balance, the movements in and out
 * after `at` (indexed by balance and time). A page costs the same however long the ledger is; it may hold fewer than
 * `limit` items (balances empty at `at` are left out), and `nextCursor` goes on while balances remain. One statement,
 * so the balances and the movements taken back are of one snapshot. Movements carry their transaction's timestamp, so
 * a transaction is in or out whole.
 */
export async function stockAsOf(em: EntityManager, f: AsOfFilter) {
  const q = stockAsOfQuery(f);
  const rows = await sql<StockAsOfView>(em, q.text, q.params);
  const last = rows.at(-1);
  return {
    items: rows
      .filter((r) => Number(r.on_hand) !== 0)
      .map((r): AsOfView => ({
        balanceId: r.balance_id,
        locationId: r.location_id,
        locationCode: r.location_code,
        skuId: r.sku_id,
        lot: r.lot,
        expiry: r.expiry,
        lpnId: r.lpn_id,
        status: r.status,
        onHand: Number(r.on_hand),
      })),
    nextCursor: rows.length === f.limit && last ? byId.encode([last.balance_id]) : null,
  };
}

/** Movement history, newest first, filtered by SKU / location (either side) / type / ref / time range. */
export async function listMovements(
  em: EntityManager,
  f: {
    warehouseId: string;
    skuId?: string;
    locationId?: string;
    type?: string;
    refType?: string;
    refId?: string;
    from?: string;
    to?: string;
    cursor?: string;
    limit: number;
  },
) {
  const after = byBigId.after(f.cursor);
  const rows = await sql<Record<string, any>>(
    em,
    `
    select m.id::text as id, m.type, m.sku_id, s.code as sku_code, m.qty, m.from_location_id, fl.code as from_code, m.from_virtual,
      m.to_location_id, tl.code as to_code, m.to_virtual, coalesce(m.from_lot, m.to_lot) as lot, coalesce(m.from_expiry, m.to_expiry)::text as expiry,
      m.reason_code, m.user_id, m.device_id, m.ref_type, m.ref_id, m.created_at
    from stock_movement m join sku s on s.id = m.sku_id
      left join location fl on fl.id = m.from_location_id left join location tl on tl.id = m.to_location_id
    where m.warehouse_id = ? and (?::uuid is null or m.sku_id = ?::uuid)
      and (?::uuid is null or m.from_location_id = ?::uuid or m.to_location_id = ?::uuid)
      and (?::text is null or m.type = ?) and (?::text is null or m.ref_type = ?) and (?::text is null or m.ref_id = ?)
      and (?::timestamptz is null or m.created_at >= ?::timestamptz) and (?::timestamptz is null or m.created_at <= ?::timestamptz)
      and (?::bigint is null or m.id < ?::bigint)
    order by m.id desc limit ?`,
    [
      f.warehouseId,
      f.skuId ?? null,
      f.skuId ?? null,
      f.locationId ?? null,
      f.locationId ?? null,
      f.locationId ?? null,
      f.type ?? null,
      f.type ?? null,
      f.refType ?? null,
      f.refType ?? null,
      f.refId ?? null,
      f.refId ?? null,
      f.from ?? null,
      f.from ?? null,
      f.to ?? null,
      f.to ?? null,
      after?.[0] ?? null,
      after?.[0] ?? null,
      f.limit + 1,
    ],
  );
  const p = byBigId.page(rows, f.limit, (r) => [r.id]);
  return {
    items: p.items.map((r): MovementView => ({
      id: r.id,
      type: r.type,
      skuId: r.sku_id,
      skuCode: r.sku_code,
      qty: r.qty,
      fromLocationId: r.from_location_id,
      fromLocationCode: r.from_code,
      fromVirtual: r.from_virtual,
      toLocationId: r.to_location_id,
      toLocationCode: r.to_code,
      toVirtual: r.to_virtual,
      lot: r.lot,
      expiry: r.expiry,
      reasonCode: r.reason_code,
      userId: r.user_id,
      deviceId: r.device_id,
      refType: r.ref_type,
      refId: r.ref_id,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    nextCursor: p.nextCursor,
  };
}
export type LowStockRow = Pick<SkuRow, 'code' | 'name' | 'min_stock_qty'> & { sku_id: string; available: string };

/** SKUs whose available quantity in the warehouse is below their min_stock_qty (replenish / reorder). */
export async function lowStock(em: EntityManager, f: { warehouseId: string; cursor?: string; limit: number }) {
  const after = byCode.after(f.cursor);
  const rows = await sql<LowStockRow>(
    em,
    `
    select s.id as sku_id, s.code, s.name, s.min_stock_qty, coalesce(a.available, 0) as available
    from sku s left join lateral (
      select sum(b.on_hand - b.reserved) as available from stock_balance b
      where b.sku_id = s.id and b.warehouse_id = ? and b.status = 'available' and b.on_hand > 0
    ) a on true
    where s.active and s.min_stock_qty > 0 and coalesce(a.available, 0) < s.min_stock_qty and (?::text is null or s.code > ?)
    order by s.code limit ?`,
    [f.warehouseId, after?.[0] ?? null, after?.[0] ?? null, f.limit + 1],
  );
  const p = byCode.page(rows, f.limit, (r) => [r.code]);
  return {
    items: p.items.map((r) => ({
      skuId: r.sku_id,
      skuCode: r.code,
      name: r.name,
      minStockQty: r.min_stock_qty,
      available: Number(r.available),
      shortQty: r.min_stock_qty - Number(r.available),
    })),
    nextCursor: p.nextCursor,
  };
}

/** Balances expiring on or before `until` (yyyy-mm-dd), soonest first: pull, discount or scrap. */
export async function nearExpiry(em: EntityManager, f: { warehouseId: string; until: string; cursor?: string; limit: number }) {
  const after = byExpiry.after(f.cursor);
  const rows = await sql<BalanceRow>(
    em,
    `
    select ${BALANCE_COLS}
    from stock_balance b join location l on l.id = b.location_id join sku s on s.id = b.sku_id left join license_plate lp on lp.id = b.lpn_id
    where b.warehouse_id = ? and b.on_hand > 0 and b.expiry is not null and b.expiry <= ?::date
      and (?::date is null or (b.expiry, b.id) > (?::date, ?::uuid))
    order by b.expiry, b.id limit ?`,
    [f.warehouseId, f.until, after?.[0] ?? null, after?.[0] ?? null, after?.[1] ?? null, f.limit + 1],
  );
  const p = byExpiry.page(rows, f.limit, (r) => [r.expiry!, r.id]);
  return { items: p.items.map(toBalanceView), nextCursor: p.nextCursor };
}
