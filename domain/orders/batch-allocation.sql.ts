/**
 * One statement that allocates a set of orders (issue 19, goal 2): it plans every open line of the orders against
 * the SKUs' available balances and writes the plan — balances raised, reservations inserted, lines' allocated_qty
 * raised — in the same round trip.
 *
 * The plan is the classic interval matching of cumulative demand against cumulative supply, per (warehouse, SKU):
 * demand is the lines in allocation priority (ALLOCATION_ORDER_SQL, then line number), supply is the balances in
 * FEFO order for expiry-tracked SKUs, FIFO by first receipt otherwise (the order of the ledger's RESERVE_SQL), held
 * stock and inactive or non-allocatable locations excluded. A line takes from a balance the overlap of its
 * [cumulative before, cumulative after) demand interval with the balance's supply interval, so the result is the
 * same as reserving the lines one by one in priority order.
 *
 * The overlaps are found by one sweep per (warehouse, SKU), not by joining demand to supply: the start points of
 * both interval lists in one sorted list (`pts`), where `lg` / `bg` count the lines / balances started at or before
 * each point (peers included), so a point lies in the lg-th line and the bg-th balance (`first_value` over those
 * groups carries their columns); between two consecutive points both are constant, and each overlapping
 * (line, balance) pair is exactly one such piece. Sorts only, no join, whatever the estimates.
 * The join it replaces was planned from estimates: with the statistics of a table whose new orders are allocated in
 * the transaction that creates them, `status in ('pending', 'backordered')` estimates at 1 row, so the planner
 * nest-looped the whole supply subquery once per demand line (EXPLAIN ANALYZE at 4,500 orders: 7.2 s of 7.3 s for
 * 250 orders in that loop, 320,000 balance index probes; the sustained bench fell to 50 orders/s).
 *
 * Every read goes by key whatever the statistics say: orders by id, lines by order, balances per (warehouse, SKU)
 * in a LATERAL subquery kept apart from the join planning (`offset 0`). The order and line filters are written
 * so that they do not imply the predicates of the partial indexes sales_order_alloc_idx (status pending or
 * backordered) and order_line_sku_idx (allocated_qty < qty): every allocation leaves a dead entry in both until
 * vacuum, and the planner ANDed them in (at 10,000 orders with nothing vacuumed: 20,000 index entries read per
 * order, 690 ms of a 1.3 s statement). Without the fence a table without statistics got a plan that read every
 * location of the warehouse to find the balances of 217 SKUs.
 *
 * Concurrency: the orders are locked (SKIP LOCKED: an order another transaction holds is left to it). The balances
 * are read without locks; each is raised only if it still has the planned quantity when the UPDATE reaches it
 * (PostgreSQL re-checks the condition on the newest row version after any wait, READ COMMITTED), so a concurrent
 * taker can only make a balance drop out of the plan: its lines come back `lost` and the caller plans them again.
 * Balances never go negative or over-reserved (the CHECKs back this up).
 *
 * Parameters: order ids (uuid[]), allocatable location types (text[]), min expiry date (twice; null = no rule).
 */
export const BATCH_ALLOCATE_SQL = `
with ord as (
  select o.id, o.warehouse_id, o.status, o.priority_rank, o.promise_date, o.created_at
  from sales_order o
  where o.id = any(?::uuid[]) and o.status || '' in ('pending', 'backordered')
  for update of o skip locked
),
dem as (
  select l.id as line_id, l.order_id, l.line_no, l.sku_id, k.code as sku_code, o.warehouse_id, l.qty - l.allocated_qty as need,
    sum(l.qty - l.allocated_qty) over w as d1
  from order_line l join ord o on o.id = l.order_id join sku k on k.id = l.sku_id
  where l.qty - l.allocated_qty > 0
  window w as (partition by o.warehouse_id, l.sku_id
    order by o.priority_rank, o.promise_date nulls last, o.created_at, o.id, l.line_no rows unbounded preceding)
),
cand as (
  select b.id, b.warehouse_id, b.sku_id, b.location_code, b.lot, b.expiry, b.avail, sum(b.avail) over w as s1
  from (select distinct warehouse_id, sku_id from dem) k
  cross join lateral (
    select b.id, b.warehouse_id, b.sku_id, lo.code as location_code, b.lot, b.expiry::text as expiry, b.on_hand - b.reserved as avail,
      case when s.track_expiry then b.expiry end as fefo, b.first_received_at
    from stock_balance b join location lo on lo.id = b.location_id join sku s on s.id = b.sku_id
    where b.warehouse_id = k.warehouse_id and b.sku_id = k.sku_id
      and b.status = 'available' and b.on_hand > 0 and b.on_hand > b.reserved
      and lo.active and lo.type = any(?::text[])
      and (?::date is null or b.expiry >= ?::date)
      and not exists (select 1 from stock_hold h where h.active and h.sku_id = b.sku_id and (h.lot is null or h.lot = b.lot)
        and (h.warehouse_id is null or h.warehouse_id = b.warehouse_id) and (h.location_id is null or h.location_id = b.location_id))
    offset 0
  ) b
  window w as (partition by b.warehouse_id, b.sku_id order by b.fefo asc nulls last, b.first_received_at asc, b.id asc rows unbounded preceding)
),
pts as (
  select warehouse_id, sku_id, d1 - need as x, line_id, d1 as line_end,
    null::uuid as balance_id, null::bigint as bal_end, null::text as location_code, null::text as lot, null::text as expiry
  from dem
  union all
  select warehouse_id, sku_id, s1 - avail, null, null, id, s1, location_code, lot, expiry from cand
),
marks as (
  select p.*, count(line_id) over w as lg, count(balance_id) over w as bg, lead(x) over w as nx
  from pts p
  window w as (partition by warehouse_id, sku_id order by x)
),
pieces as (
  select warehouse_id, sku_id, x, nx,
    first_value(line_id) over lw as line_id, first_value(line_end) over lw as line_end,
    first_value(balance_id) over bw as balance_id, first_value(bal_end) over bw as bal_end, first_value(x) over bw as s0,
    first_value(location_code) over bw as location_code, first_value(lot) over bw as lot, first_value(expiry) over bw as expiry
  from marks
  window lw as (partition by warehouse_id, sku_id, lg order by line_id is null, x),
    bw as (partition by warehouse_id, sku_id, bg order by balance_id is null, x)
),
plan as (
  select line_id, sku_id, warehouse_id, balance_id, location_code, lot, expiry, s0, (least(nx, line_end, bal_end) - x)::int as q
  from pieces
  where line_id is not null and balance_id is not null and least(nx, line_end, bal_end) > x
),
per_balance as (
  select balance_id, warehouse_id, sku_id, sum(q)::int as q, array_agg(line_id order by s0) as line_ids, array_agg(q order by s0) as qs
  from plan group by balance_id, warehouse_id, sku_id
),
upd as (
  update stock_balance b set reserved = b.reserved + p.q, updated_at = now()
  from per_balance p
  where b.id = p.balance_id and b.status = 'available' and b.on_hand - b.reserved >= p.q
  returning b.id, p.warehouse_id, p.sku_id, p.line_ids, p.qs
),
ins as (
  insert into stock_reservation (warehouse_id, balance_id, sku_id, qty, ref_type, ref_id)
  select u.warehouse_id, u.id, u.sku_id, x.q, 'order_line', x.line_id::text
  from upd u cross join lateral unnest(u.line_ids, u.qs) as x(line_id, q)
  returning id, balance_id, ref_id, qty
),
got as (select ref_id::uuid as line_id, sum(qty)::int as q from ins group by ref_id),
line_upd as (update order_line l set allocated_qty = l.allocated_qty + g.q from got g where l.id = g.line_id returning l.id)
select 'o' as kind, json_build_object('orderId', id, 'warehouseId', warehouse_id, 'status', status) as j from ord
union all
select 'l', json_build_object('lineId', line_id, 'orderId', order_id, 'lineNo', line_no, 'skuId', sku_id, 'skuCode', sku_code, 'need', need) from dem
union all
select 'p', json_build_object('lineId', line_id, 'balanceId', balance_id, 'qty', q, 'locationCode', location_code, 'lot', lot, 'expiry', expiry, 's0', s0) from plan
union all
select 'r', json_build_object('id', id, 'lineId', ref_id, 'balanceId', balance_id) from ins`;

/**
 * The rows of BATCH_ALLOCATE_SQL, told apart by `kind` (one result set, no joins of CTEs, which PostgreSQL can
 * only nest-loop): `o` a locked order, `l` an open line of it, `p` a planned take, `r` a reservation written
 * (a planned take without one lost its balance to a concurrent transaction).
 */
export type BatchAllocateRow =
  | { kind: 'o'; j: { orderId: string; warehouseId: string; status: string } }
  | { kind: 'l'; j: { lineId: string; orderId: string; lineNo: number; skuId: string; skuCode: string; need: number } }
  | {
      kind: 'p';
      j: { lineId: string; balanceId: string; qty: number; locationCode: string; lot: string | null; expiry: string | null; s0: number };
    }
  | { kind: 'r'; j: { id: string; lineId: string; balanceId: string } };

/** One reservation a line took, as the statement reports it. */
export interface TakenReservation {
  id: string;
  qty: number;
  locationCode: string;
  lot: string | null;
  expiry: string | null;
}
