import { Migration } from '@mikro-orm/migrations';
import { SCAN_RESOLVE_FN } from './Migration20261125000003_inventory.js';

/**
 * A GTIN is one number whatever its printed length: GTIN-8/12/13 are GTIN-14 with leading zeros. The
 * catalog API stores GTIN-14, but imports and older rows hold the printed 13 (or 12, or 8) digits, so
 * `inventory_scan_resolve` looked up only the GTIN-14 the parser hands it and missed those rows. Now a
 * GTIN (and a free-text scan of 8, 12, 13 or 14 digits) is looked up in every zero-padded form, still by
 * the sku_barcode primary key (`barcode = any(…)`), the exact text first.
 *
 * The rest of the function is unchanged: the new text is the old one with its two barcode probes
 * replaced (checked below, so a drift in the old text fails the migration instead of passing silently).
 */
const GTIN_FORMS = `
create or replace function inventory_gtin_forms(p_key text) returns text[]
language sql immutable as $fn$
  select case when p_key ~ '^[0-9]{14}$' or p_key ~ '^[0-9]{13}$' or p_key ~ '^[0-9]{12}$' or p_key ~ '^[0-9]{8}$' then
    array(select distinct f from unnest(array[
      p_key,
      lpad(p_key, 14, '0'),
      case when lpad(p_key, 14, '0') like '0%' then substr(lpad(p_key, 14, '0'), 2) end,
      case when lpad(p_key, 14, '0') like '00%' then substr(lpad(p_key, 14, '0'), 3) end,
      case when lpad(p_key, 14, '0') like '000000%' then substr(lpad(p_key, 14, '0'), 7) end
    ]) f where f is not null)
  else array[p_key] end
$fn$;`;

const OLD_GTIN = `select 'sku', sku_id, uom_level into v_what, v_id, v_uom from sku_barcode where barcode = p_key;`;
const NEW_GTIN = `select 'sku', sku_id, uom_level into v_what, v_id, v_uom from sku_barcode
      where barcode = any(inventory_gtin_forms(p_key)) order by barcode = p_key desc, length(barcode) desc limit 1;`;

export const SCAN_RESOLVE_FN_V2 = (() => {
  const parts = SCAN_RESOLVE_FN.split(OLD_GTIN);
  // Two probes: the GTIN one and the first free-text one.
  if (parts.length !== 3) throw new Error('inventory_scan_resolve: the barcode probes to replace were not found');
  return parts.join(NEW_GTIN);
})();

/** Both functions, for scripts that keep a reused database's functions current (scripts/seed-scale.ts). */
export const SCAN_RESOLVE_SQL = `${GTIN_FORMS}\n${SCAN_RESOLVE_FN_V2}`;

export class Migration20261130021101_scan_resolve_gtin_forms extends Migration {
  override async up(): Promise<void> {
    this.addSql(GTIN_FORMS);
    this.addSql(SCAN_RESOLVE_FN_V2);
  }

  override async down(): Promise<void> {
    this.addSql(SCAN_RESOLVE_FN);
    this.addSql(`drop function if exists inventory_gtin_forms(text);`);
  }
}
