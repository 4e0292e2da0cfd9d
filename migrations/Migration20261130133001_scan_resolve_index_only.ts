import { Migration } from '@mikro-orm/migrations';
import { SCAN_RESOLVE_FN_V3 } from './Migration20261130051301_scan_resolve_covering.js';

/**
 * Scan resolution at 500k SKUs still read 3–6 pages per item scan from outside shared_buffers (EXPLAIN (ANALYZE,
 * BUFFERS), issue 19 goal 5): the barcode's heap row after its primary-key probe, a case GTIN's sku_uom heap row,
 * an LPN's balances from the stock_balance heap; and a GTIN scan probed the barcode index once per printed form.
 * Now:
 * - sku_barcode (barcode) INCLUDE (sku_id, uom_level), sku_uom (sku_id, level) INCLUDE (qty_each) and
 *   stock_balance_lpn_idx covering the balance columns make those reads index-only scans (the visibility map is
 *   kept by autovacuum; the scale seed vacuums);
 * - the scanned text is probed alone first: it wins over every other printed form anyway, so the other forms are
 *   probed only when it misses (one descent instead of two for a GTIN-14 with a leading zero, the usual scan);
 * - a SKU code's header comes from the row that matched it (was a second probe by id), and a location's code from
 *   a variable (was parsed back out of its JSON header once per balance).
 * Same result, key for key, as the function it replaces (SCAN_RESOLVE_FN_V3, restored by down()).
 */
export const SCAN_RESOLVE_FN_V4 = `
create or replace function inventory_scan_resolve(p_kind text, p_key text, p_wh uuid, p_lot text) returns json
language plpgsql stable as $fn$
declare
  v_what text; v_id uuid; v_uom text; v_code text; v_head json; v_totals json; v_stock json; v_k14 text;
begin
  if p_kind = 'gtin' or p_kind = 'text' then
    -- The scanned text itself first: it wins over every other printed form of a GTIN, and it is the one probe
    -- when it matches (a scan of the stored form, the usual case).
    select sku_id, uom_level into v_id, v_uom from sku_barcode where barcode = p_key;
    if v_id is null and p_key ~ '^([0-9]{8}|[0-9]{12,14})$' then
      -- The other zero-padded forms of a GTIN of 8, 12, 13 or 14 digits (Migration…021101_scan_resolve_gtin_forms), longest first.
      v_k14 := lpad(p_key, 14, '0');
      select sku_id, uom_level into v_id, v_uom from sku_barcode
        where barcode = any(array[v_k14, case when v_k14 like '0%' then substr(v_k14, 2) end,
          case when v_k14 like '00%' then substr(v_k14, 3) end, case when v_k14 like '000000%' then substr(v_k14, 7) end])
        order by length(barcode) desc limit 1;
    end if;
    if v_id is not null then
      v_what := 'sku';
      select s.code, json_build_object('id', s.id, 'code', s.code, 'name', s.name, 'trackLot', s.track_lot, 'trackExpiry', s.track_expiry,
        'trackSerial', s.track_serial, 'qtyEach', case when coalesce(v_uom, 'each') = 'each' then 1
          else coalesce((select u.qty_each from sku_uom u where u.sku_id = s.id and u.level = v_uom), 1) end)
        into v_code, v_head from sku s where s.id = v_id;
    elsif p_kind = 'text' then
      -- A SKU code: the header from the matching row (no second probe by id).
      select 'sku', s.id, 'each', s.code, json_build_object('id', s.id, 'code', s.code, 'name', s.name, 'trackLot', s.track_lot,
        'trackExpiry', s.track_expiry, 'trackSerial', s.track_serial, 'qtyEach', 1)
        into v_what, v_id, v_uom, v_code, v_head from sku s where s.code = p_key;
      if v_id is null then
        select 'location', id, code, json_build_object('id', id, 'code', code, 'type', type)
          into v_what, v_id, v_code, v_head from location where warehouse_id = p_wh and code = p_key;
      end if;
      if v_id is null then
        select 'lpn', id, json_build_object('id', id, 'code', code, 'sscc', sscc, 'type', type, 'locationId', location_id)
          into v_what, v_id, v_head from license_plate where code = p_key and warehouse_id = p_wh;
      end if;
    end if;
  elsif p_kind = 'sscc' then
    select 'lpn', id, json_build_object('id', id, 'code', code, 'sscc', sscc, 'type', type, 'locationId', location_id)
      into v_what, v_id, v_head from license_plate where sscc = p_key and warehouse_id = p_wh;
  elsif p_kind = 'lpn' then
    select 'lpn', id, json_build_object('id', id, 'code', code, 'sscc', sscc, 'type', type, 'locationId', location_id)
      into v_what, v_id, v_head from license_plate where code = p_key and warehouse_id = p_wh;
  elsif p_kind = 'location' then
    select 'location', id, code, json_build_object('id', id, 'code', code, 'type', type)
      into v_what, v_id, v_code, v_head from location where warehouse_id = p_wh and code = p_key;
  end if;
  if v_id is null then return null; end if;
  if v_what = 'sku' then
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
      select b.id, b.location_id, v_code as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry,
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

const LPN_INCLUDE = 'location_id, sku_id, lot, expiry, status, on_hand, reserved, updated_at, id';

export class Migration20261130133001_scan_resolve_index_only extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index sku_barcode_lookup_idx on sku_barcode (barcode) include (sku_id, uom_level);`);
    this.addSql(`create index sku_uom_qty_idx on sku_uom (sku_id, level) include (qty_each);`);
    this.addSql(`drop index stock_balance_lpn_idx;`);
    this.addSql(`create index stock_balance_lpn_idx on stock_balance (lpn_id) include (${LPN_INCLUDE}) where lpn_id is not null;`);
    this.addSql(SCAN_RESOLVE_FN_V4);
  }

  override async down(): Promise<void> {
    this.addSql(SCAN_RESOLVE_FN_V3);
    this.addSql(`drop index stock_balance_lpn_idx;`);
    this.addSql(`create index stock_balance_lpn_idx on stock_balance (lpn_id) where lpn_id is not null;`);
    this.addSql(`drop index if exists sku_uom_qty_idx;`);
    this.addSql(`drop index if exists sku_barcode_lookup_idx;`);
  }
}
