import { Migration } from '@mikro-orm/migrations';
import { SCAN_RESOLVE_FN_V2 } from './Migration20261130021101_scan_resolve_gtin_forms.js';

/**
 * Scan resolution at 500k SKUs touched 30–40 buffer pages per item scan and ~130 per location scan, a third to
 * a half of them outside shared_buffers (EXPLAIN (ANALYZE, BUFFERS), issue 19 goal 5): a location's ~20 balances
 * sit on ~20 heap pages, and each needed the SKU's heap row for its code. Now:
 * - the balance reads of a scan (by SKU, by location) are index-only scans of covering indexes, so a location's
 *   balances are one or two leaf pages; the SKU codes of a location's balances come from an index-only scan of
 *   sku (id) INCLUDE (code) instead of the SKU heap (the index is a third of the heap's size, so it stays cached);
 * - a SKU's totals and its stock come from one read of its balances (one statement, was two), and the SKU's code
 *   from its header (was a join per balance);
 * - a location's or LPN's header comes from the row that matched the scan (was a second probe);
 * - the 'each' level holds exactly one by the catalogue's rule (domain/catalog/catalog.schemas.ts), so only the
 *   other pack levels read sku_uom;
 * - the GTIN's printed forms are computed by PL/pgSQL expressions (inventory_gtin_forms ran through the SQL-function
 *   executor on every call; it stays for domain/receiving).
 * Same result, key for key, as the function it replaces (SCAN_RESOLVE_FN_V2, restored by down()).
 */
export const SCAN_RESOLVE_FN_V3 = `
create or replace function inventory_scan_resolve(p_kind text, p_key text, p_wh uuid, p_lot text) returns json
language plpgsql stable as $fn$
declare
  v_what text; v_id uuid; v_uom text; v_code text; v_head json; v_totals json; v_stock json;
  v_k14 text; v_forms text[];
begin
  -- The zero-padded forms of a GTIN of 8, 12, 13 or 14 digits (Migration…021101_scan_resolve_gtin_forms).
  if p_key ~ '^([0-9]{8}|[0-9]{12,14})$' then
    v_k14 := lpad(p_key, 14, '0');
    v_forms := array[p_key, v_k14,
      case when v_k14 like '0%' then substr(v_k14, 2) end,
      case when v_k14 like '00%' then substr(v_k14, 3) end,
      case when v_k14 like '000000%' then substr(v_k14, 7) end];
  else
    v_forms := array[p_key];
  end if;
  if p_kind = 'gtin' then
    select 'sku', sku_id, uom_level into v_what, v_id, v_uom from sku_barcode
      where barcode = any(v_forms) order by barcode = p_key desc, length(barcode) desc limit 1;
  elsif p_kind = 'sscc' then
    select 'lpn', id, json_build_object('id', id, 'code', code, 'sscc', sscc, 'type', type, 'locationId', location_id)
      into v_what, v_id, v_head from license_plate where sscc = p_key and warehouse_id = p_wh;
  elsif p_kind = 'lpn' then
    select 'lpn', id, json_build_object('id', id, 'code', code, 'sscc', sscc, 'type', type, 'locationId', location_id)
      into v_what, v_id, v_head from license_plate where code = p_key and warehouse_id = p_wh;
  elsif p_kind = 'location' then
    select 'location', id, json_build_object('id', id, 'code', code, 'type', type)
      into v_what, v_id, v_head from location where warehouse_id = p_wh and code = p_key;
  else
    select 'sku', sku_id, uom_level into v_what, v_id, v_uom from sku_barcode
      where barcode = any(v_forms) order by barcode = p_key desc, length(barcode) desc limit 1;
    if v_id is null then select 'sku', id, 'each' into v_what, v_id, v_uom from sku where code = p_key; end if;
    if v_id is null then
      select 'location', id, json_build_object('id', id, 'code', code, 'type', type)
        into v_what, v_id, v_head from location where warehouse_id = p_wh and code = p_key;
    end if;
    if v_id is null then
      select 'lpn', id, json_build_object('id', id, 'code', code, 'sscc', sscc, 'type', type, 'locationId', location_id)
        into v_what, v_id, v_head from license_plate where code = p_key and warehouse_id = p_wh;
    end if;
  end if;
  if v_id is null then return null; end if;
  if v_what = 'sku' then
    select s.code, json_build_object('id', s.id, 'code', s.code, 'name', s.name, 'trackLot', s.track_lot, 'trackExpiry', s.track_expiry,
      'trackSerial', s.track_serial, 'qtyEach', case when coalesce(v_uom, 'each') = 'each' then 1
        else coalesce((select u.qty_each from sku_uom u where u.sku_id = s.id and u.level = v_uom), 1) end)
      into v_code, v_head from sku s where s.id = v_id;
    with b as materialized (
      select b.id, b.location_id, b.lot, b.expiry, b.lpn_id, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b where b.sku_id = v_id and b.warehouse_id = p_wh and b.on_hand > 0)
    select (select json_build_object('onHand', coalesce(sum(on_hand), 0), 'reserved', coalesce(sum(reserved), 0),
              'available', coalesce(sum(case when status = 'available' then on_hand - reserved else 0 end), 0)) from b),
      (select coalesce(json_agg(x), '[]'::json) from (
        select b.id, b.location_id, l.code as location_code, v_id as sku_id, v_code as sku_code, b.lot, b.expiry::text as expiry,
          b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
        from b join location l on l.id = b.location_id left join license_plate lp on lp.id = b.lpn_id
        where p_lot is null or b.lot = p_lot
        order by b.expiry nulls last, l.code limit 50) x)
      into v_totals, v_stock;
  elsif v_what = 'location' then
    select coalesce(json_agg(x), '[]'::json) into v_stock from (
      select b.id, b.location_id, v_head->>'code' as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry,
        b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b join sku s on s.id = b.sku_id left join license_plate lp on lp.id = b.lpn_id
      where b.location_id = v_id and b.on_hand > 0 order by s.code, b.lot limit 50) x;
  else
    with recursive t as (select v_id as id union all select p.id from license_plate p join t on p.parent_id = t.id)
    select coalesce(json_agg(x), '[]'::json) into v_stock from (
      select b.id, b.location_id, l.code as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry,
        b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b join t on t.id = b.lpn_id join location l on l.id = b.location_id join sku s on s.id = b.sku_id
        left join license_plate lp on lp.id = b.lpn_id
      where b.on_hand > 0 order by lp.code, s.code limit 50) x;
  end if;
  return json_build_object('what', v_what, 'id', v_id, 'uom_level', v_uom, 'head', v_head, 'totals', v_totals, 'stock', v_stock);
end $fn$;`;

/** The covering indexes (index-only scans need the visibility map: autovacuum keeps it, the scale seed vacuums). */
const BALANCE_INCLUDE = 'location_id, lot, expiry, lpn_id, status, on_hand, reserved, updated_at, id';

export class Migration20261130051301_scan_resolve_covering extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index stock_balance_sku_idx;`);
    this.addSql(
      `create index stock_balance_sku_idx on stock_balance (sku_id, warehouse_id) include (${BALANCE_INCLUDE}) where on_hand > 0;`,
    );
    this.addSql(`drop index stock_balance_location_idx;`);
    this.addSql(
      `create index stock_balance_location_idx on stock_balance (location_id) include (sku_id, ${BALANCE_INCLUDE.replace('location_id, ', '')}) where on_hand > 0;`,
    );
    this.addSql(`create index sku_id_code_idx on sku (id) include (code);`);
    this.addSql(SCAN_RESOLVE_FN_V3);
  }

  override async down(): Promise<void> {
    this.addSql(SCAN_RESOLVE_FN_V2);
    this.addSql(`drop index if exists sku_id_code_idx;`);
    this.addSql(`drop index stock_balance_location_idx;`);
    this.addSql(`create index stock_balance_location_idx on stock_balance (location_id) where on_hand > 0;`);
    this.addSql(`drop index stock_balance_sku_idx;`);
    this.addSql(
      `create index stock_balance_sku_idx on stock_balance (sku_id, warehouse_id) include (on_hand, reserved) where on_hand > 0;`,
    );
  }
}
