import { Migration } from '@mikro-orm/migrations';
import { LEDGER_MOVE_SKU_CODE_SQL, SCAN_RESOLVE_FN_V5 } from './Migration20261130164502_balance_sku_code.js';

/**
 * An item scan listed its SKU's balances from stock_balance_sku_idx, then probed location (id) and read the location's
 * heap row once per balance for the code it sorts and shows: at 500k SKUs / 50k locations, two balances a SKU, that is
 * four of an item scan's random pages, and an LPN scan probed location and sku (id) once per balance on top (issue 19,
 * goal 5: scan resolve p99 against select 1 p99, on a cold cache every distinct page is a read from outside
 * shared_buffers). The balance now carries its location's code too (`location_code`, like `sku_code` in …164502): in
 * stock_balance_sku_idx's INCLUDE list for item scans, and with `sku_code` in stock_balance_lpn_idx's for LPN scans,
 * whose plate codes come along the plate tree the scan walks anyway. An item scan reads the barcode, the SKU header and
 * one leaf of its balances (plus a plate's row for a balance on a plate); an LPN scan reads its plates and one leaf.
 *
 * Kept in step as sku_code is: ledger_move writes the code when it creates a balance (its validation read the
 * destination's code already), a rename of a location code updates its balances (trigger; layout edits are rare), and
 * existing rows are filled here. A balance written without it (pick-confirm's cart balance) reads the code from
 * location, so null is always correct, only slower. Ledger updates were never HOT (on_hand is in these INCLUDE lists),
 * so moves pay nothing for it.
 */
const ITEM_OLD = `    with b as materialized (
      select b.id, b.location_id, b.lot, b.expiry, b.lpn_id, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b where b.sku_id = v_id and b.warehouse_id = p_wh and b.on_hand > 0)`;
const ITEM_NEW = `    with b as materialized (
      select b.id, b.location_id, b.location_code, b.lot, b.expiry, b.lpn_id, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b where b.sku_id = v_id and b.warehouse_id = p_wh and b.on_hand > 0)`;
const ITEM_LIST_OLD = `        select b.id, b.location_id, l.code as location_code, v_id as sku_id, v_code as sku_code, b.lot, b.expiry::text as expiry,
          b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
        from b join location l on l.id = b.location_id left join license_plate lp on lp.id = b.lpn_id
        where p_lot is null or b.lot = p_lot
        order by b.expiry nulls last, l.code limit 50) x)`;
const ITEM_LIST_NEW = `        -- The location code from the balance's own index entry; a balance written without one reads it from location.
        select b.id, b.location_id, coalesce(b.location_code, (select l.code from location l where l.id = b.location_id)) as location_code,
          v_id as sku_id, v_code as sku_code, b.lot, b.expiry::text as expiry,
          b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
        from b left join license_plate lp on lp.id = b.lpn_id
        where p_lot is null or b.lot = p_lot
        order by b.expiry nulls last, 3 limit 50) x)`;
const LPN_OLD = `    with recursive t as (select v_id as id union all select p.id from license_plate p join t on p.parent_id = t.id)
    select coalesce(json_agg(x), '[]'::json) into v_stock from (
      select b.id, b.location_id, l.code as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry,
        b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b join t on t.id = b.lpn_id join location l on l.id = b.location_id join sku s on s.id = b.sku_id
        left join license_plate lp on lp.id = b.lpn_id
      where b.on_hand > 0 order by lp.code, s.code limit 50) x;`;
const LPN_NEW = `    -- The plate codes come along the tree walk; the location and SKU codes from the balances' index entries.
    with recursive t as (select v_id as id, v_head->>'code' as code
      union all select p.id, p.code from license_plate p join t on p.parent_id = t.id)
    select coalesce(json_agg(x), '[]'::json) into v_stock from (
      select b.id, b.location_id, coalesce(b.location_code, (select l.code from location l where l.id = b.location_id)) as location_code,
        b.sku_id, coalesce(b.sku_code, (select s.code from sku s where s.id = b.sku_id)) as sku_code, b.lot, b.expiry::text as expiry,
        b.lpn_id, t.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b join t on t.id = b.lpn_id
      where b.on_hand > 0 order by 9, 5 limit 50) x;`;
for (const [what, old] of [
  ['item balances', ITEM_OLD],
  ['item list', ITEM_LIST_OLD],
  ['LPN list', LPN_OLD],
])
  if (!SCAN_RESOLVE_FN_V5.includes(old!)) throw new Error(`scan resolve: ${what} not found`);
export const SCAN_RESOLVE_FN_V6 = SCAN_RESOLVE_FN_V5.replace(ITEM_OLD, ITEM_NEW)
  .replace(ITEM_LIST_OLD, ITEM_LIST_NEW)
  .replace(LPN_OLD, LPN_NEW);

const CREDIT_OLD = `      insert into stock_balance (warehouse_id, location_id, sku_id, sku_code, lot, expiry, lpn_id, status, on_hand, first_received_at)
      values (v_wh, (t->>'locationId')::uuid, v_sku, s.code, t->>'lot', (t->>'expiry')::date, (t->>'lpnId')::uuid, t->>'status', v_qty, clock_timestamp())`;
const CREDIT_NEW = `      insert into stock_balance (warehouse_id, location_id, location_code, sku_id, sku_code, lot, expiry, lpn_id, status, on_hand, first_received_at)
      values (v_wh, (t->>'locationId')::uuid, s.to_code, v_sku, s.code, t->>'lot', (t->>'expiry')::date, (t->>'lpnId')::uuid, t->>'status', v_qty, clock_timestamp())`;
if (!LEDGER_MOVE_SKU_CODE_SQL.includes(CREDIT_OLD)) throw new Error('ledger_move: credit insert not found');
export const LEDGER_MOVE_LOCATION_CODE_SQL = LEDGER_MOVE_SKU_CODE_SQL.replace(CREDIT_OLD, CREDIT_NEW);

const SKU_INCLUDE_OLD = 'location_id, lot, expiry, lpn_id, status, on_hand, reserved, updated_at, id';
const SKU_INCLUDE_NEW = 'location_id, location_code, lot, expiry, lpn_id, status, on_hand, reserved, updated_at, id';
const LPN_INCLUDE_OLD = 'location_id, sku_id, lot, expiry, status, on_hand, reserved, updated_at, id';
const LPN_INCLUDE_NEW = 'location_id, location_code, sku_id, sku_code, lot, expiry, status, on_hand, reserved, updated_at, id';

export class Migration20261130200101_balance_location_code extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table stock_balance add column location_code text;`);
    // The two indexes that gain the code go before the fill (two indexes fewer to update per row) and come back with it.
    this.addSql(`drop index stock_balance_sku_idx;`);
    this.addSql(`drop index stock_balance_lpn_idx;`);
    this.addSql(`update stock_balance b set location_code = l.code from location l where l.id = b.location_id;`);
    this.addSql(
      `create index stock_balance_sku_idx on stock_balance (sku_id, warehouse_id) include (${SKU_INCLUDE_NEW}) where on_hand > 0;`,
    );
    this.addSql(`create index stock_balance_lpn_idx on stock_balance (lpn_id) include (${LPN_INCLUDE_NEW}) where lpn_id is not null;`);
    this.addSql(`
create or replace function location_code_to_balances() returns trigger
language plpgsql as $fn$
begin
  update stock_balance set location_code = new.code where location_id = new.id and location_code is distinct from new.code;
  return null;
end $fn$;`);
    this.addSql(
      `create trigger location_code_to_balances after update of code on location for each row when (old.code is distinct from new.code) execute function location_code_to_balances();`,
    );
    this.addSql(LEDGER_MOVE_LOCATION_CODE_SQL);
    this.addSql(SCAN_RESOLVE_FN_V6);
  }

  override async down(): Promise<void> {
    this.addSql(SCAN_RESOLVE_FN_V5);
    this.addSql(LEDGER_MOVE_SKU_CODE_SQL);
    this.addSql(`drop trigger location_code_to_balances on location;`);
    this.addSql(`drop function location_code_to_balances();`);
    this.addSql(`drop index stock_balance_sku_idx;`);
    this.addSql(`drop index stock_balance_lpn_idx;`);
    this.addSql(
      `create index stock_balance_sku_idx on stock_balance (sku_id, warehouse_id) include (${SKU_INCLUDE_OLD}) where on_hand > 0;`,
    );
    this.addSql(`create index stock_balance_lpn_idx on stock_balance (lpn_id) include (${LPN_INCLUDE_OLD}) where lpn_id is not null;`);
    this.addSql(`alter table stock_balance drop column location_code;`);
  }
}
