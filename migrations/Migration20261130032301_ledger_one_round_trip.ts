import { Migration } from '@mikro-orm/migrations';

/**
 * The ledger's writes as two server-side functions, so a reservation or a movement holds its balance-row
 * locks for one round trip: the balance updates, the reservation/movement rows, the outbox event and the
 * Idempotency-Key mark all happen inside one call. Called outside a transaction (the API's hot paths),
 * the locks are released when that one statement commits; a flash sale's hundreds of transactions on one
 * SKU then queue for microseconds each instead of for every client round trip (issue 19: 24–37 s convoys).
 * Called inside a caller's transaction, they are one statement of it, as the TypeScript code was.
 *
 * ledger_batch runs many such calls in one transaction, each in its own subtransaction: the API process
 * groups the calls that arrive while earlier ones are in flight (group commit; domain/inventory/
 * ledger-group-commit.ts), so a hot row changes hands once per batch instead of once per request.
 *
 * All take and return jsonb (the TypeScript side builds and validates the argument; domain/inventory/
 * ledger.service.ts). Errors carry their own SQLSTATE so the caller maps them to domain errors:
 * DS409 insufficient stock (detail: jsonb), DS404 unknown SKU.
 */
export const LEDGER_FUNCTIONS_SQL = `
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
      count(k.id), count(i.id), (select go from ok)
    into v_rows, v_planned, v_taken, v_go
    from take k left join ins i on i.balance_id = k.id;
    v_all := v_all || v_rows;
    v_need := v_need - coalesce((select sum((x->>'qty')::int) from jsonb_array_elements(v_rows) x), 0);
    -- Stop when the plan was not written (short, partial not allowed) or nothing was lost to a race.
    exit when not v_go or v_taken = v_planned;
  end loop;
  if v_need > 0 and not v_partial then
    raise exception using errcode = 'DS409', message = format('SKU %s has %s available, %s requested', v_code, v_qty - v_need, v_qty),
      detail = jsonb_build_object('skuId', v_sku, 'available', v_qty - v_need, 'requested', v_qty)::text;
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

create or replace function ledger_move(p jsonb) returns jsonb
language plpgsql as $fn$
declare
  v_wh uuid := (p->>'warehouseId')::uuid;
  v_sku uuid := (p->>'skuId')::uuid;
  v_qty int := (p->>'qty')::int;
  v_consume int := coalesce((p->>'consume')::int, 0);
  f jsonb := p->'from';
  t jsonb := p->'to';
  v_from uuid;
  v_to uuid;
  v_mv bigint;
  v_at timestamptz;
  r record;
begin
  for step in 1..2 loop
    -- Lock the two balances in the caller's global key order (creditFirst), so opposite moves wait, not deadlock.
    if (step = 1) = coalesce((p->>'creditFirst')::boolean, false) then
      continue when t is null or jsonb_typeof(t) = 'null';
      -- clock_timestamp(), not now(): calls grouped into one ledger_batch transaction keep their FIFO order.
      insert into stock_balance (warehouse_id, location_id, sku_id, lot, expiry, lpn_id, status, on_hand, first_received_at)
      values (v_wh, (t->>'locationId')::uuid, v_sku, t->>'lot', (t->>'expiry')::date, (t->>'lpnId')::uuid, t->>'status', v_qty, clock_timestamp())
      on conflict on constraint stock_balance_key do update set
        on_hand = stock_balance.on_hand + excluded.on_hand,
        first_received_at = case when stock_balance.on_hand = 0 then clock_timestamp() else stock_balance.first_received_at end,
        updated_at = now()
      returning id into v_to;
    else
      continue when f is null or jsonb_typeof(f) = 'null';
      update stock_balance set on_hand = on_hand - v_qty, reserved = reserved - v_consume, updated_at = now()
      where location_id = (f->>'locationId')::uuid and sku_id = v_sku and lot is not distinct from f->>'lot'
        and expiry is not distinct from (f->>'expiry')::date and lpn_id is not distinct from (f->>'lpnId')::uuid and status = f->>'status'
        and on_hand - (reserved - v_consume) >= v_qty and reserved >= v_consume
      returning id into v_from;
      if v_from is null then
        select b.on_hand, b.reserved, l.code into r from stock_balance b join location l on l.id = b.location_id
        where b.location_id = (f->>'locationId')::uuid and b.sku_id = v_sku and b.lot is not distinct from f->>'lot'
          and b.expiry is not distinct from (f->>'expiry')::date and b.lpn_id is not distinct from (f->>'lpnId')::uuid and b.status = f->>'status';
        raise exception using errcode = 'DS409', message = 'insufficient stock',
          detail = jsonb_build_object('available', coalesce(r.on_hand - r.reserved + v_consume, 0), 'locationCode', r.code)::text;
      end if;
    end if;
  end loop;
  insert into stock_movement (warehouse_id, type, sku_id, qty,
    from_balance_id, from_location_id, from_virtual, from_lot, from_expiry, from_lpn_id, from_status,
    to_balance_id, to_location_id, to_virtual, to_lot, to_expiry, to_lpn_id, to_status,
    reason_code, user_id, device_id, ref_type, ref_id)
  values (v_wh, p->>'type', v_sku, v_qty,
    v_from, (f->>'locationId')::uuid, p->>'fromVirtual', f->>'lot', (f->>'expiry')::date, (f->>'lpnId')::uuid, f->>'status',
    v_to, (t->>'locationId')::uuid, p->>'toVirtual', t->>'lot', (t->>'expiry')::date, (t->>'lpnId')::uuid, t->>'status',
    p->>'reasonCode', (p->>'userId')::uuid, p->>'deviceId', p->>'refType', p->>'refId')
  returning id, created_at into v_mv, v_at;
  if jsonb_typeof(p->'event') = 'object' then
    insert into outbox (warehouse_id, type, rooms, payload, actor_id)
    values (v_wh, p->'event'->>'type', '{}', (p->'event'->'payload') || jsonb_build_object('movementId', v_mv::text), p->'event'->>'actorId');
  end if;
  if jsonb_typeof(p->'idempotency') = 'object' then
    update idempotency_key set applied_at = now()
    where scope = p->'idempotency'->>'scope' and key = p->'idempotency'->>'key' and applied_at is null;
  end if;
  return jsonb_build_object('id', v_mv::text, 'createdAt', v_at, 'fromBalanceId', v_from, 'toBalanceId', v_to);
end $fn$;

create or replace function ledger_batch(p jsonb) returns jsonb
language plpgsql as $fn$
declare
  v_out jsonb := '[]';
  v_item jsonb;
  v_r jsonb;
  v_state text;
  v_msg text;
  v_detail text;
begin
  -- Each item runs in its own subtransaction: one that fails (insufficient stock, a CHECK) is undone alone
  -- and reported; the others commit together. A deadlock fails the whole batch, which the caller retries.
  for v_item in select x from jsonb_array_elements(p) x loop
    begin
      if v_item->>'fn' = 'ledger_reserve' then
        v_r := ledger_reserve(v_item->'arg');
      else
        v_r := ledger_move(v_item->'arg');
      end if;
      v_out := v_out || jsonb_build_array(jsonb_build_object('ok', true, 'r', v_r));
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text, v_detail = pg_exception_detail;
      if v_state in ('40P01', '40001') then
        raise;
      end if;
      v_out := v_out || jsonb_build_array(jsonb_build_object('ok', false, 'code', v_state, 'message', v_msg, 'detail', v_detail));
    end;
  end loop;
  return v_out;
end $fn$;`;

export class Migration20261130032301_ledger_one_round_trip extends Migration {
  override async up(): Promise<void> {
    this.addSql(LEDGER_FUNCTIONS_SQL);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists ledger_batch(jsonb);');
    this.addSql('drop function if exists ledger_reserve(jsonb);');
    this.addSql('drop function if exists ledger_move(jsonb);');
  }
}
