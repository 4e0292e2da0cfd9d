import { Migration } from '@mikro-orm/migrations';
import { SCAN_RESOLVE_FN_V4 } from './Migration20261130133001_scan_resolve_index_only.js';
import { LEDGER_MOVE_LEAN_SQL } from './Migration20261130162502_ledger_move_lean.js';

/**
 * A location scan listed the location's balances by index-only scan of stock_balance_location_idx, then probed
 * sku (id) once per balance for the SKU code it sorts and shows: at 500k SKUs / 50k locations (21 balances a
 * location) that was ~64 of the ~75 buffer pages of a location resolve, one random leaf page per SKU (issue 19,
 * goal 5: scan resolve p99 against select 1 p99, cold cache). The balance now carries its SKU's code (`sku_code`,
 * in stock_balance_location_idx's INCLUDE list), so a location resolve reads the location, the index leaf of its
 * balances and any plates, and no SKU page.
 *
 * Kept in step: ledger_move writes the code when it creates a balance (it read the SKU already), a rename of a SKU
 * code updates its balances (trigger; catalogue edits are rare), and existing rows are filled here. Rows written
 * without it (pick-confirm's cart balance, the scale seeds) stay null and the scan reads their code from sku as
 * before, so null is always correct, only slower. The code is not in any index a ledger UPDATE could keep HOT
 * (on_hand is in the same INCLUDE list), so moves pay nothing for it.
 */
const LOCATION_BRANCH_OLD = `    select coalesce(json_agg(x), '[]'::json) into v_stock from (
      select b.id, b.location_id, v_code as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry,
        b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b join sku s on s.id = b.sku_id left join license_plate lp on lp.id = b.lpn_id
      where b.location_id = v_id and b.on_hand > 0 order by s.code, b.lot limit 50) x;`;
const LOCATION_BRANCH_NEW = `    -- The SKU code from the balance's own index entry; a balance written without one reads it from sku.
    select coalesce(json_agg(x), '[]'::json) into v_stock from (
      select b.id, b.location_id, v_code as location_code, b.sku_id,
        coalesce(b.sku_code, (select s.code from sku s where s.id = b.sku_id)) as sku_code, b.lot, b.expiry::text as expiry,
        b.lpn_id, lp.code as lpn_code, b.status, b.on_hand, b.reserved, b.updated_at
      from stock_balance b left join license_plate lp on lp.id = b.lpn_id
      where b.location_id = v_id and b.on_hand > 0 order by 5, b.lot limit 50) x;`;
if (!SCAN_RESOLVE_FN_V4.includes(LOCATION_BRANCH_OLD)) throw new Error('scan resolve: location branch not found');
export const SCAN_RESOLVE_FN_V5 = SCAN_RESOLVE_FN_V4.replace(LOCATION_BRANCH_OLD, LOCATION_BRANCH_NEW);

const CREDIT_OLD = `      insert into stock_balance (warehouse_id, location_id, sku_id, lot, expiry, lpn_id, status, on_hand, first_received_at)
      values (v_wh, (t->>'locationId')::uuid, v_sku, t->>'lot', (t->>'expiry')::date, (t->>'lpnId')::uuid, t->>'status', v_qty, clock_timestamp())`;
const CREDIT_NEW = `      insert into stock_balance (warehouse_id, location_id, sku_id, sku_code, lot, expiry, lpn_id, status, on_hand, first_received_at)
      values (v_wh, (t->>'locationId')::uuid, v_sku, s.code, t->>'lot', (t->>'expiry')::date, (t->>'lpnId')::uuid, t->>'status', v_qty, clock_timestamp())`;
if (!LEDGER_MOVE_LEAN_SQL.includes(CREDIT_OLD)) throw new Error('ledger_move: credit insert not found');
export const LEDGER_MOVE_SKU_CODE_SQL = LEDGER_MOVE_LEAN_SQL.replace(CREDIT_OLD, CREDIT_NEW);

const LOCATION_INCLUDE_OLD = 'sku_id, lot, expiry, lpn_id, status, on_hand, reserved, updated_at, id';
const LOCATION_INCLUDE_NEW = 'sku_id, sku_code, lot, expiry, lpn_id, status, on_hand, reserved, updated_at, id';

export class Migration20261130164502_balance_sku_code extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table stock_balance add column sku_code text;`);
    // The index goes before the fill (one index fewer to update per row), and comes back with the code.
    this.addSql(`drop index stock_balance_location_idx;`);
    this.addSql(`update stock_balance b set sku_code = s.code from sku s where s.id = b.sku_id;`);
    this.addSql(
      `create index stock_balance_location_idx on stock_balance (location_id) include (${LOCATION_INCLUDE_NEW}) where on_hand > 0;`,
    );
    this.addSql(`
create or replace function sku_code_to_balances() returns trigger
language plpgsql as $fn$
begin
  update stock_balance set sku_code = new.code where sku_id = new.id and sku_code is distinct from new.code;
  return null;
end $fn$;`);
    this.addSql(
      `create trigger sku_code_to_balances after update of code on sku for each row when (old.code is distinct from new.code) execute function sku_code_to_balances();`,
    );
    this.addSql(LEDGER_MOVE_SKU_CODE_SQL);
    this.addSql(SCAN_RESOLVE_FN_V5);
  }

  override async down(): Promise<void> {
    this.addSql(SCAN_RESOLVE_FN_V4);
    this.addSql(LEDGER_MOVE_LEAN_SQL);
    this.addSql(`drop trigger sku_code_to_balances on sku;`);
    this.addSql(`drop function sku_code_to_balances();`);
    this.addSql(`drop index stock_balance_location_idx;`);
    this.addSql(
      `create index stock_balance_location_idx on stock_balance (location_id) include (${LOCATION_INCLUDE_OLD}) where on_hand > 0;`,
    );
    this.addSql(`alter table stock_balance drop column sku_code;`);
  }
}
