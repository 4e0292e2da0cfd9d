import { Migration } from '@mikro-orm/migrations';
import { LEDGER_FUNCTIONS_SQL } from './Migration20261130032301_ledger_one_round_trip.js';

/**
 * A reservation refused for want of stock (no partial) said how much was available as what it had reserved, which
 * is nothing when the plan falls short: "SKU X has 0 available, 9999 requested" with 24 on the shelves, and
 * `available: 0` in the 409's body. ledger_reserve now reports what the short plan found (plus anything a
 * race-interrupted earlier attempt of the same call took). Only the refusal's figure changes; what is reserved,
 * and when, does not.
 */
// ledger_reserve as migration 20261130032301 created it (the first of its functions).
const RESERVE_BEFORE = LEDGER_FUNCTIONS_SQL.slice(
  LEDGER_FUNCTIONS_SQL.indexOf('create or replace function ledger_reserve'),
  LEDGER_FUNCTIONS_SQL.indexOf('create or replace function ledger_move'),
);

/** `text` with each [before, after] replaced once; a `before` that is not there is an error, not a silent no-op. */
function edited(text: string, edits: [before: string, after: string][]): string {
  for (const [before, after] of edits) {
    if (!text.includes(before)) throw new Error(`migration edit target not found: ${before}`);
    text = text.replace(before, after);
  }
  return text;
}

/** The same function with the short plan's quantity kept (v_planned_qty) and reported in the refusal. */
export const LEDGER_RESERVE_SHORTAGE_SQL = edited(RESERVE_BEFORE, [
  ['  v_planned int;\n', '  v_planned int;\n  v_planned_qty int;\n'],
  [
    `count(k.id), count(i.id), (select go from ok)
    into v_rows, v_planned, v_taken, v_go`,
    `count(k.id), count(i.id), coalesce(sum(k.q), 0)::int, (select go from ok)
    into v_rows, v_planned, v_taken, v_planned_qty, v_go`,
  ],
  [
    `  if v_need > 0 and not v_partial then
    raise exception using errcode = 'DS409', message = format('SKU %s has %s available, %s requested', v_code, v_qty - v_need, v_qty),
      detail = jsonb_build_object('skuId', v_sku, 'available', v_qty - v_need, 'requested', v_qty)::text;`,
    `  if v_need > 0 and not v_partial then
    -- What this call could have had: what it took before a short plan, and the short plan itself (not written).
    v_planned_qty := v_qty - v_need + case when v_go then 0 else v_planned_qty end;
    raise exception using errcode = 'DS409', message = format('SKU %s has %s available, %s requested', v_code, v_planned_qty, v_qty),
      detail = jsonb_build_object('skuId', v_sku, 'available', v_planned_qty, 'requested', v_qty)::text;`,
  ],
]);

export class Migration20261202151501_reserve_shortage_figure extends Migration {
  override async up(): Promise<void> {
    this.addSql(LEDGER_RESERVE_SHORTAGE_SQL);
  }

  override async down(): Promise<void> {
    this.addSql(RESERVE_BEFORE);
  }
}
