import { Migration } from '@mikro-orm/migrations';
import { SCAN_RESOLVE_FN_V6 } from './Migration20261130200101_balance_location_code.js';

/**
 * A case GTIN's scan read the pack level's quantity from sku_uom_qty_idx after the barcode's own probe: one more random
 * leaf of a 61 MB index at 500k SKUs, the read that made case-gtin14 the kind with the most pages (17.4 against 13.4
 * for an EAN-13; issue 19, goal 5). The barcode row now carries the quantity of the pack level it names
 * (`sku_barcode.qty_each`, in sku_barcode_lookup_idx's INCLUDE list), so the barcode probe answers it.
 *
 * Kept exact by triggers: a barcode written or re-pointed takes the quantity of its level from sku_uom, and a level
 * inserted, changed or deleted updates its barcodes (null when the level is gone). The 'each' level is 1 by the
 * catalogue's rule, so the scan never reads it there and the fill leaves those rows alone. A null quantity (a level
 * without a sku_uom row) reads sku_uom as before, so null is always correct, only slower.
 */
const DECLARE_OLD = `v_stock json; v_k14 text;`;
const DECLARE_NEW = `v_stock json; v_k14 text; v_qty int;`;
const PROBE_OLD = `    select sku_id, uom_level into v_id, v_uom from sku_barcode where barcode = p_key;`;
const PROBE_NEW = `    select sku_id, uom_level, qty_each into v_id, v_uom, v_qty from sku_barcode where barcode = p_key;`;
const FORMS_OLD = `      select sku_id, uom_level into v_id, v_uom from sku_barcode
        where barcode = any(`;
const FORMS_NEW = `      select sku_id, uom_level, qty_each into v_id, v_uom, v_qty from sku_barcode
        where barcode = any(`;
const QTY_OLD = `else coalesce((select u.qty_each from sku_uom u where u.sku_id = s.id and u.level = v_uom), 1) end)`;
const QTY_NEW = `else coalesce(v_qty, (select u.qty_each from sku_uom u where u.sku_id = s.id and u.level = v_uom), 1) end)`;
for (const [what, old] of [
  ['declarations', DECLARE_OLD],
  ['barcode probe', PROBE_OLD],
  ['printed forms probe', FORMS_OLD],
  ['pack quantity', QTY_OLD],
])
  if (!SCAN_RESOLVE_FN_V6.includes(old!)) throw new Error(`scan resolve: ${what} not found`);
export const SCAN_RESOLVE_FN_V7 = SCAN_RESOLVE_FN_V6.replace(DECLARE_OLD, DECLARE_NEW)
  .replace(PROBE_OLD, PROBE_NEW)
  .replace(FORMS_OLD, FORMS_NEW)
  .replace(QTY_OLD, QTY_NEW);

export class Migration20261130200103_barcode_qty_each extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table sku_barcode add column qty_each int;`);
    // The index goes before the fill (one index fewer to update per row) and comes back with the quantity.
    this.addSql(`drop index sku_barcode_lookup_idx;`);
    this.addSql(
      `update sku_barcode b set qty_each = u.qty_each from sku_uom u where u.sku_id = b.sku_id and u.level = b.uom_level and b.uom_level <> 'each';`,
    );
    this.addSql(`create index sku_barcode_lookup_idx on sku_barcode (barcode) include (sku_id, uom_level, qty_each);`);
    this.addSql(`
create or replace function sku_barcode_qty_each() returns trigger
language plpgsql as $fn$
begin
  new.qty_each := (select u.qty_each from sku_uom u where u.sku_id = new.sku_id and u.level = new.uom_level);
  return new;
end $fn$;`);
    this.addSql(
      `create trigger sku_barcode_qty_each before insert or update of sku_id, uom_level on sku_barcode for each row execute function sku_barcode_qty_each();`,
    );
    this.addSql(`
create or replace function sku_uom_qty_to_barcodes() returns trigger
language plpgsql as $fn$
begin
  if tg_op = 'DELETE' or (tg_op = 'UPDATE' and (old.sku_id, old.level) is distinct from (new.sku_id, new.level)) then
    update sku_barcode set qty_each = null where sku_id = old.sku_id and uom_level = old.level and qty_each is not null;
  end if;
  if tg_op <> 'DELETE' then
    update sku_barcode set qty_each = new.qty_each where sku_id = new.sku_id and uom_level = new.level and qty_each is distinct from new.qty_each;
  end if;
  return null;
end $fn$;`);
    this.addSql(
      `create trigger sku_uom_qty_to_barcodes after insert or delete or update of sku_id, level, qty_each on sku_uom for each row execute function sku_uom_qty_to_barcodes();`,
    );
    this.addSql(SCAN_RESOLVE_FN_V7);
  }

  override async down(): Promise<void> {
    this.addSql(SCAN_RESOLVE_FN_V6);
    this.addSql(`drop trigger sku_uom_qty_to_barcodes on sku_uom;`);
    this.addSql(`drop function sku_uom_qty_to_barcodes();`);
    this.addSql(`drop trigger sku_barcode_qty_each on sku_barcode;`);
    this.addSql(`drop function sku_barcode_qty_each();`);
    this.addSql(`drop index sku_barcode_lookup_idx;`);
    this.addSql(`create index sku_barcode_lookup_idx on sku_barcode (barcode) include (sku_id, uom_level);`);
    this.addSql(`alter table sku_barcode drop column qty_each;`);
  }
}
