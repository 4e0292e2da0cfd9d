import { Migration } from '@mikro-orm/migrations';
import { LEDGER_FUNCTIONS_SQL } from './Migration20261130032301_ledger_one_round_trip.js';

/**
 * A reservation refused for want of stock (no partial) said how much was available as what it had reserved, which
 * is nothing when the plan falls short: "SKU X has 0 available, 9999 requested" with 24 on the shelves, and
 * `available: 0` in the 409's body. ledger_reserve now reports what the short plan found (plus anything a
 * race-interrupted earlier attempt of the same call took). Only the refusal's figure changes; what is reserved,
 * and when, does not.
 */
export const LEDGER_RESERVE_SHORTAGE_SQL = `
create or replace function ledger_reserve(p jsonb) returns jsonb
language plpgsql as $fn$
declare
  v_wh uuid := (p->>'warehouseId')::uuid;
  v_sku uuid := (p->>'skuId')::uuid;
  v_qty int := (p->>'qty')::int;
  v_need int := (p->>'qty')::int;
  v_partial boolean := coalesce((p->>'allowPartial')::boolean, false);
  v_loc uuid := (p->>'locationId')::uuid;
  v_lot text := p->>'lot';
  v_min_expiry date := (p->>'minExpiryDate')::date;
  v_exclude uuid[] := coalesce(array(select jsonb_array_elements_text(p->'excludeLocationIds'))::uuid[], '{}');
  v_types text[] := array(select jsonb_array_elements_text(p->'locationTypes'));
  v_code text;
  v_all jsonb := '[]';
  v_rows jsonb;
  v_planned int;
  v_planned_qty int;
  v_taken int;
  v_go boolean;
begin
  select code into v_code from sku where id = v_sku;
  if v_code is null then
    raise exception using errcode = 'DS404', message = 'SKU not found', detail = v_sku::text;
  end if;
  -- Plan on an unlocked read, then raise each balance only if it still has the quantity when the UPDATE
  -- reaches it (re-checked after any wait). Rows lost to a concurrent taker are planned again; each
  -- statement of a function takes a fresh snapshot under READ COMMITTED, so a retry sees the winners.
  for attempt in 1..20 loop
    exit when v_need <= 0;
    with cand as (
      select b.id, b.location_id, l.code as location_code, b.lot, b.expiry::text as expiry, b.on_hand - b.reserved as avail,
        case when s.track_expiry then b.expiry end as fefo, b.first_received_at
      from stock_balance b join location l on l.id = b.location_id join sku s on s.id = b.sku_id
      where b.warehouse_id = v_wh and b.sku_id = v_sku and b.status = 'available' and b.on_hand > 0 and b.on_hand > b.reserved
        and l.active and l.type = any(v_types)
        and (v_loc is null or b.location_id = v_loc)
        and (v_lot is null or b.lot = v_lot)
        and (v_min_expiry is null or b.expiry >= v_min_expiry)
        and not (b.location_id = any(v_exclude))
        and not exists (select 1 from stock_hold h where h.active and h.sku_id = b.sku_id and (h.lot is null or h.lot = b.lot)
          and (h.warehouse_id is null or h.warehouse_id = b.warehouse_id) and (h.location_id is null or h.location_id = b.location_id))
      order by case when s.track_expiry then b.expiry end asc nulls last, b.first_received_at asc, b.id asc
      limit 500
    ),
    ranked as (
      select c.*, row_number() over w as n, coalesce(sum(c.avail) over w, 0) - c.avail as before
      from cand c window w as (order by c.fefo asc nulls last, c.first_received_at asc, c.id asc rows unbounded preceding)
    ),
    take as (select r.*, least(r.avail, v_need - r.before)::int as q from ranked r where r.before < v_need and r.avail > 0),
    ok as (select (v_partial or coalesce((select sum(q) from take), 0) = v_need) as go),
    upd as (
      update stock_balance b set reserved = b.reserved + t.q, updated_at = now()
      from take t, ok where ok.go and b.id = t.id and b.status = 'available' and b.on_hand - b.reserved >= t.q
      returning b.id, t.q, t.n
    ),
    ins as (
      insert into stock_reservation (warehouse_id, balance_id, sku_id, qty, ref_type, ref_id)
      select v_wh, u.id, v_sku, u.q, p->>'refType', p->>'refId' from upd u order by u.n
      returning id, balance_id, qty
    )
    select coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'balanceId', k.id, 'locationId', k.location_id,
        'locationCode', k.location_code, 'lot', k.lot, 'expiry', k.expiry, 'qty', i.qty) order by k.n) filter (where i.id is not null), '[]'),
      count(k.id), count(i.id), coalesce(sum(k.q), 0)::int, (select go from ok)
    into v_rows, v_planned, v_taken, v_planned_qty, v_go
    from take k left join ins i on i.balance_id = k.id;
    v_all := v_all || v_rows;
    v_need := v_need - coalesce((select sum((x->>'qty')::int) from jsonb_array_elements(v_rows) x), 0);
    -- Stop when the plan was not written (short, partial not allowed) or nothing was lost to a race.
    exit when not v_go or v_taken = v_planned;
  end loop;
  if v_need > 0 and not v_partial then
    -- What this call could have had: what it took before a short plan, and the short plan itself (not written).
    v_planned_qty := v_qty - v_need + case when v_go then 0 else v_planned_qty end;
    raise exception using errcode = 'DS409', message = format('SKU %s has %s available, %s requested', v_code, v_planned_qty, v_qty),
      detail = jsonb_build_object('skuId', v_sku, 'available', v_planned_qty, 'requested', v_qty)::text;
  end if;
  if jsonb_array_length(v_all) > 0 and jsonb_typeof(p->'event') = 'object' then
    insert into outbox (warehouse_id, type, rooms, payload, actor_id)
    values (v_wh, p->'event'->>'type', '{}', (p->'event'->'payload') || jsonb_build_object('qty', v_qty - v_need, 'shortQty', v_need,
      'reservationIds', (select jsonb_agg(x->'id') from jsonb_array_elements(v_all) x)), p->'event'->>'actorId');
  end if;
  if jsonb_typeof(p->'idempotency') = 'object' then
    update idempotency_key set applied_at = now()
    where scope = p->'idempotency'->>'scope' and key = p->'idempotency'->>'key' and applied_at is null;
  end if;
  return jsonb_build_object('reservations', v_all, 'shortQty', v_need, 'skuCode', v_code);
end $fn$;
`;

export class Migration20261202151501_reserve_shortage_figure extends Migration {
  override async up(): Promise<void> {
    this.addSql(LEDGER_RESERVE_SHORTAGE_SQL);
  }

  override async down(): Promise<void> {
    // ledger_reserve as it was (the first of the functions in that migration; the others are not touched here).
    const from = LEDGER_FUNCTIONS_SQL.indexOf('create or replace function ledger_reserve');
    this.addSql(LEDGER_FUNCTIONS_SQL.slice(from, LEDGER_FUNCTIONS_SQL.indexOf('create or replace function ledger_move')));
  }
}
