/**
 * Scan-confirm of one pick line in two statements and no transaction of its own: a handheld confirms hundreds of
 * times a shift, and on a busy floor each round trip costs more than the SQL itself (issue 19: ≤ 4 round trips with
 * BEGIN and COMMIT; it was about 30, then 4).
 *
 * 1. One read, without row locks, of the task and its lines, the scanned tote, the line's reservation and everything
 *    the checks need: the catalogue hits for the item scan, the bound tote, the CARTS location, an existing label,
 *    holds, the orders' states and their open lines elsewhere; and a fingerprint (md5) of the rows the write will
 *    lock: the task, its lines, the tote, the reservation.
 * 2. The checks run here, in the order (and with the problems) a handheld has always been answered with.
 * 3. One write statement, which commits on its own: it reads the same again, now taking the row locks (task first,
 *    as every task writer does), and writes only if the fingerprint is unchanged: the rows the old one-transaction
 *    confirm held locked from its read to its commit are as the checks saw them (optimistic concurrency; otherwise
 *    it writes nothing and the confirm decides again). It binds the tote
 *    (and its LPN), moves the reservation's stock into the tote through the ledger (guarded so a balance never goes
 *    negative), moves the line, order line, order and task (each with its lifecycle's guard), the worker's position,
 *    and writes every event of the command to the outbox, validated against the catalogue before it is sent. A guard
 *    that fails raises inside the statement, which undoes everything it wrote.
 * The row locks last one statement, not a transaction's three round trips. With an Idempotency-Key to mark applied,
 * the route runs the same two statements inside a transaction (withTx).
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { outboxRows, OUTBOX_RECORD, type EmitInput } from '../events/outbox.js';
import type { DomainEventType } from '../events/catalogue.js';
import { orderLifecycle } from '../orders/order.lifecycle.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, InsufficientStock, NotFound, ValidationFailed } from '../shared/errors.js';
import { IllegalTransition } from '../shared/lifecycle.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { pgPrepared, sqlPreparedOne } from '../shared/sql.js';
import { taskLifecycle } from '../tasks/task.lifecycle.js';
import { LINE_VIEW_COLUMNS, TASK_COLUMNS, taskRef, taskRooms, toLineView, toTaskView, type TaskRow } from '../tasks/task.repo.js';
import type { TaskView } from '../tasks/task.schemas.js';
import type { TaskEngineOptions } from '../tasks/task.service.js';
import { CARTS_CODE, floorLocation } from './floor-locations.js';
import { itemScanQuery, itemScanSql, scannedItem, scannedLocation, scannedTote, type ItemScanQuery } from './scan-match.js';
import type { ToteRow } from './entities/tote.entity.js';
import type { StockReservationRow } from '../inventory/entities/stock-reservation.entity.js';
import type { StockBalanceRow } from '../inventory/entities/stock-balance.entity.js';
import type { LicensePlateRow } from '../inventory/entities/license-plate.entity.js';
import type { SalesOrderRow } from '../orders/entities/sales-order.entity.js';

export interface ConfirmPickCmd {
  locationScan: string;
  itemScan: string;
  qty: number;
  toteScan: string;
  /** Lot keyed in when the label carries none (lot-tracked SKUs). */
  lot?: string;
}

/** A line of the task as the read returns it: the handheld's view plus what the command needs. */
export type ConfirmLine = Record<string, unknown> & {
  id: string;
  seq: number;
  order_id: string | null;
  order_line_id: string | null;
  reservation_id: string | null;
  sku_id: string;
  sku_code: string;
  location_id: string;
  location_code: string;
  lot: string | null;
  expiry: string | null;
  qty: number;
  qty_picked: number;
  qty_short: number;
  tote_code: string | null;
  cart_slot: number | null;
  status: string;
  picked_by: string | null;
};
export type ConfirmReservation = Pick<
  StockReservationRow,
  'id' | 'status' | 'qty' | 'consumed_qty' | 'ref_type' | 'ref_id' | 'balance_id'
> &
  Pick<StockBalanceRow, 'location_id' | 'lot' | 'lpn_id' | 'on_hand' | 'reserved'> & { expiry: string | null; b_status: string };

/** What the read statement answers (one row). */
export type ConfirmReadRow = {
  task: TaskRow | null;
  lines: ConfirmLine[] | null;
  tote: Pick<ToteRow, 'status' | 'lpn_id' | 'order_id'> | null;
  bound: Pick<ToteRow, 'code' | 'lpn_id'> | null;
  res: Omit<ConfirmReservation, 'on_hand' | 'reserved'> | null;
  res_stock: Pick<ConfirmReservation, 'on_hand' | 'reserved'> | null;
  /** md5 of the rows the write locks (DECIDING). */
  fp: string;
  carts: string | null;
  carts_limited: boolean;
  label: Pick<LicensePlateRow, 'id' | 'warehouse_id'> | null;
  by_code: string | null;
  by_gtin: string | null;
  by_uom: string | null;
  held: boolean;
  open_elsewhere: string[] | null;
  orders: Pick<SalesOrderRow, 'id' | 'status'>[] | null;
};

/** What the write statement answers: whether it wrote (the read under its locks matched), the task as moved, the events. */
export type ConfirmWriteRow = { fresh: boolean; task: TaskRow | null; events: number; refused: null };

/**
 * The read: the task and its lines, the scanned tote, the line's reservation and everything the checks need. `lock`
 * takes the row locks (task first, as every task writer does), as the write statement does when it reads again.
 */
function readBody(
  item: ItemScanQuery | null,
  lock: boolean,
): { text: string; params: (taskId: string, lineId: string, tote: string) => unknown[] } {
  const scan = item ? itemScanSql(item) : null;
  const forUpdate = (of = '') => (lock ? `for update${of}` : '');
  const text = `
    with t as (select ${TASK_COLUMNS} from task where id = ?::uuid ${forUpdate()}),
    ls as (
      select ${LINE_VIEW_COLUMNS}, l.reservation_id, l.picked_by
      from task_line l join sku s on s.id = l.sku_id join location loc on loc.id = l.location_id
      where l.task_id = (select id from t) order by l.seq ${forUpdate(' of l')}),
    cur as (select * from ls where id = ?::uuid),
    wh as (select warehouse_id as id from t),
    carts as (select id, (max_volume_mm3 is not null or max_weight_g is not null or max_skus is not null or not mixed_lots) as limited
      from location where warehouse_id = (select id from wh) and code = '${CARTS_CODE}'),
    tt as (select status, lpn_id, order_id from tote where warehouse_id = (select id from wh) and code = ? ${forUpdate()}),
    rs as (
      select r.id, r.status, r.qty, r.consumed_qty, r.ref_type, r.ref_id, r.balance_id, b.location_id, b.lot, b.expiry::text as expiry,
        b.lpn_id, b.status as b_status, b.on_hand, b.reserved
      from stock_reservation r join stock_balance b on b.id = r.balance_id
      where r.id = (select reservation_id from cur) ${forUpdate(' of r')})
    select (select row_to_json(t) from t) as task,
      (select json_agg(ls order by ls.seq) from ls) as lines,
      (select row_to_json(tt) from tt) as tote,
      (select row_to_json(x) from (select id, status, qty, consumed_qty, ref_type, ref_id, balance_id, location_id, lot, expiry, lpn_id, b_status
        from rs) x) as res,
      (select json_build_object('on_hand', on_hand, 'reserved', reserved) from rs) as res_stock,
      (select json_build_object('code', code, 'lpn_id', lpn_id) from tote
        where warehouse_id = (select id from wh) and order_id = (select order_id from cur) and task_id = (select id from t)) as bound,
      (select id from carts) as carts,
      coalesce((select limited from carts), false) as carts_limited,
      (select json_build_object('id', id, 'warehouse_id', warehouse_id) from license_plate where code = ?) as label,
      ${scan ? scan.columns : 'null::uuid as by_code, null::uuid as by_gtin, null::uuid as by_uom'},
      exists (select 1 from stock_hold h, cur where h.active and h.sku_id = cur.sku_id and (h.lot is null or h.lot = cur.lot)
        and (h.warehouse_id is null or h.warehouse_id = (select id from wh)) and (h.location_id is null or h.location_id = (select id from carts))) as held,
      (select array_agg(distinct l2.order_id) from task_line l2 join task t2 on t2.id = l2.task_id
        where l2.order_id in (select order_id from ls) and l2.task_id <> (select id from t) and l2.status = 'open' and t2.status <> 'cancelled') as open_elsewhere,
      (select json_agg(json_build_object('id', o.id, 'status', o.status) order by o.id) from sales_order o where o.id in (select order_id from ls)) as orders`;
  return { text, params: (taskId, lineId, tote) => [taskId, lineId, tote, tote, ...(scan?.params ?? [])] };
}

/**
 * The fingerprint: the rows the write locks (the task, its lines, the scanned tote, the line's reservation), without
 * the balance's counts, which only word the insufficient-stock answer and which the debit's own guard re-checks. The
 * write compares it, read again under those locks, with the one the checks saw. The rest of the read was never
 * locked (also when the whole confirm was one transaction): the orders' states, the bound tote, CARTS, labels,
 * holds and the catalogue; the writes that depend on them carry their own guards (the order lifecycle, the tote and
 * label inserts), and fingerprinting them would only send a confirm round again when a picker elsewhere moves an order.
 */
const DECIDING = 'x.task, x.lines, x.tote, x.res';

/** The read the checks run on: no row locks (the write takes them), and the fingerprint of what they decide from. */
function readSql(item: ItemScanQuery | null): { text: string; params: (taskId: string, lineId: string, tote: string) => unknown[] } {
  const body = readBody(item, false);
  return { text: `select x.*, md5(row(${DECIDING})::text) as fp from (${body.text}) x`, params: body.params };
}

/**
 * The write: first the read again, taking its row locks; the parameters `p` have a row only when what it finds is what
 * the checks decided on (the fingerprint), and every write is driven by `p`, so a stale decision writes nothing and
 * the caller decides again. One statement text serves every case of a confirm. A guard that does not hold raises (see
 * the last select), which undoes everything the statement wrote.
 * Parameters: the read's, then the write's record, the fingerprint, the outbox rows.
 */
function writeSql(item: ItemScanQuery, taskSet: string, taskGuard: string): string {
  return `
    with rd as (select md5(row(${DECIDING})::text) as fp from (${readBody(item, true).text}) x),
    p as (select * from jsonb_to_record(?::jsonb) as x(
      p_task uuid, p_line uuid, p_wh uuid, p_actor uuid, p_device text, p_qty int, p_tote text, p_line_status text, p_lease timestamptz,
      p_carts uuid, p_lpn uuid, p_new_lpn boolean, p_tote_fresh boolean, p_tote_exists boolean, p_tote_status text,
      p_order uuid, p_order_line uuid, p_picking_order uuid, p_picked_orders uuid[], p_location uuid,
      p_res uuid, p_res_consumed int, p_res_status text, p_res_keep boolean, p_release_rest int, p_balance uuid, p_sku uuid,
      p_to_lot text, p_to_expiry date, p_to_status text, p_from_location uuid, p_from_lot text, p_from_expiry date, p_from_lpn uuid,
      p_from_status text, p_ref_type text, p_ref_id text)
      where (select fp from rd) = ?::text),
    lpn as (
      insert into license_plate (id, warehouse_id, code, type, location_id)
      select p.p_lpn, p.p_wh, p.p_tote, 'tote', p.p_carts from p where p.p_new_lpn
      on conflict do nothing returning 1),
    tote_upd as (
      update tote set status = p.p_tote_status, order_id = p.p_order, task_id = p.p_task, lpn_id = p.p_lpn, updated_at = now()
      from p where p.p_tote_fresh and p.p_tote_exists and tote.warehouse_id = p.p_wh and tote.code = p.p_tote and tote.status = 'free'
      returning 1),
    tote_ins as (
      insert into tote (warehouse_id, code, status, order_id, task_id, lpn_id)
      select p.p_wh, p.p_tote, p.p_tote_status, p.p_order, p.p_task, p.p_lpn from p where p.p_tote_fresh and not p.p_tote_exists
      on conflict do nothing returning 1),
    res as (
      update stock_reservation r set consumed_qty = p.p_res_consumed, status = p.p_res_status,
        closed_at = case when p.p_res_keep then null else now() end
      from p where r.id = p.p_res and r.status = 'pending' returning r.id),
    debit as (
      update stock_balance b set on_hand = b.on_hand - p.p_qty, reserved = b.reserved - p.p_qty - p.p_release_rest, updated_at = now()
      from p where p.p_res is not null and b.id = p.p_balance
        and b.on_hand - (b.reserved - p.p_qty) >= p.p_qty and b.reserved >= p.p_qty + p.p_release_rest
      returning b.id, b.on_hand),
    credit as (
      insert into stock_balance (warehouse_id, location_id, sku_id, lot, expiry, lpn_id, status, on_hand)
      select p.p_wh, p.p_carts, p.p_sku, p.p_to_lot, p.p_to_expiry, p.p_lpn, p.p_to_status, p.p_qty from p where p.p_res is not null
      on conflict on constraint stock_balance_key do update set
        on_hand = stock_balance.on_hand + excluded.on_hand,
        first_received_at = case when stock_balance.on_hand = 0 then now() else stock_balance.first_received_at end,
        updated_at = now()
      returning id),
    mv as (
      insert into stock_movement (warehouse_id, type, sku_id, qty,
        from_balance_id, from_location_id, from_lot, from_expiry, from_lpn_id, from_status,
        to_balance_id, to_location_id, to_lot, to_expiry, to_lpn_id, to_status, user_id, device_id, ref_type, ref_id)
      select p.p_wh, 'pick', p.p_sku, p.p_qty, d.id, p.p_from_location, p.p_from_lot, p.p_from_expiry, p.p_from_lpn, p.p_from_status,
        c.id, p.p_carts, p.p_to_lot, p.p_to_expiry, p.p_lpn, p.p_to_status, p.p_actor, p.p_device, p.p_ref_type, p.p_ref_id
      from p, debit d, credit c
      returning id),
    ln as (
      update task_line set qty_picked = qty_picked + p.p_qty, tote_code = p.p_tote, status = p.p_line_status, picked_by = p.p_actor, picked_at = now()
      from p where task_line.id = p.p_line returning 1),
    ol as (update order_line set picked_qty = picked_qty + p.p_qty from p where order_line.id = p.p_order_line returning 1),
    so_picking as (
      update sales_order o set status = 'picking', updated_at = now()
      from p where o.id = p.p_picking_order and ${orderLifecycle.fromSql('picking', 'o')} returning 1),
    so_picked as (
      update sales_order o set status = 'picked', updated_at = now()
      from p where o.id = any(p.p_picked_orders) and ${orderLifecycle.fromSql('picked', 'o')} returning 1),
    wo as (
      update wave_order w set status = 'picked' from p where w.order_id = any(p.p_picked_orders) and w.status = 'released' returning 1),
    at_pack as (
      update tote set status = 'at_pack', updated_at = now()
      from p where tote.order_id = any(p.p_picked_orders) and not (p.p_tote_fresh and tote.warehouse_id = p.p_wh and tote.code = p.p_tote)
      returning 1),
    wp as (
      update worker_profile w set last_x_mm = loc.x_mm, last_y_mm = loc.y_mm, updated_at = now()
      from p, location loc where w.user_id = p.p_actor and loc.id = p.p_location returning 1),
    tk as (update task set ${taskSet} from p where task.id = p.p_task and ${taskGuard} returning ${TASK_COLUMNS}),
    ev as (
      insert into outbox (warehouse_id, type, rooms, payload, actor_id)
      select e.warehouse_id, e.type, e.rooms::text[],
        case when e.type = 'stock.moved' then e.payload || jsonb_build_object('movementId', (select id::text from mv),
          -- The debited balance, read under its row lock, below the face's min (its own on_hand bounds the face's from below).
          'faceBelowMin', coalesce((select d.on_hand < f.min_qty from debit d, p, pick_face f
            where f.location_id = p.p_from_location and f.sku_id = p.p_sku), false))
        else e.payload end,
        e.actor_id
      from jsonb_to_recordset(?::jsonb) as e(${OUTBOX_RECORD}) where exists (select 1 from p)
      returning 1),
    failed as (
      select case
        when not exists (select 1 from tk) then 'task'
        when p.p_new_lpn and (select count(*) from lpn) <> 1 then 'label'
        when p.p_tote_fresh and (select count(*) from tote_upd) + (select count(*) from tote_ins) <> 1 then 'tote'
        when p.p_res is not null and (select count(*) from res) <> 1 then 'reservation'
        when p.p_res is not null and (select count(*) from debit) <> 1 then 'stock'
      end as what from p)
    select exists (select 1 from p) as fresh, (select row_to_json(tk) from tk) as task, (select count(*) from ev)::int as events,
      (select pick_confirm_refused(what) from failed where what is not null) as refused`;
}

/** The task's part of the write: finished by this line, started by it, or carried on (its SET and its lifecycle guard). */
function taskMove(taskDone: boolean, started: boolean): [set: string, guard: string] {
  return taskDone
    ? [
        `status = 'done', qty_done = least(qty_done + p.p_qty, qty), lease_expires_at = null, completed_at = now(), version = version + ${started ? 2 : 1}, updated_at = now()`,
        taskLifecycle.fromSql('done', 'task'),
      ]
    : started
      ? [
          `status = 'in_progress', qty_done = qty_done + p.p_qty, lease_expires_at = p.p_lease, version = version + 1, updated_at = now()`,
          taskLifecycle.fromSql('in_progress', 'task'),
        ]
      : [`qty_done = qty_done + p.p_qty, lease_expires_at = p.p_lease, updated_at = now()`, `task.status = 'in_progress'`];
}

/**
 * Every statement confirmPick sends, each with parameters that match no row (nothing is read, locked or written),
 * for warming a fresh connection: the read of a readable item scan and the write for each move of the task.
 */
export function confirmPickWarmUp(): { text: string; params: unknown[] }[] {
  const nil = '00000000-0000-0000-0000-000000000000';
  const item = itemScanQuery('0000000000000');
  const read = readSql(item);
  const write = (set: string, guard: string) => ({
    text: writeSql(item, set, guard),
    // A fingerprint no read has: the write's record is empty, so it locks nothing it does not read and writes nothing.
    params: [...read.params(nil, nil, 'WARM-UP'), JSON.stringify({ p_task: nil, p_line: nil, p_picked_orders: [] }), '-', '[]'],
  });
  return [
    { text: read.text, params: read.params(nil, nil, 'WARM-UP') },
    ...[
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ].map(([done, started]) => write(...taskMove(done!, started!))),
  ];
}

/**
 * Confirms one pick line: location, item (GS1 or SKU barcode; the reserved lot enforced for FEFO),
 * quantity and tote, in one idempotent call. Stock moves through the ledger (the reservation is
 * consumed into the tote's LPN on the cart). The task completes with its last line; orders whose every pick
 * line is closed are picked and their totes go to pack.
 */
export async function confirmPick(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  lineId: string,
  cmd: ConfirmPickCmd,
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const toteCode = scannedTote(cmd.toteScan);
  // An unreadable item scan is answered after the task checks, as it always was.
  let item: ItemScanQuery | null = null;
  let itemError: unknown = null;
  try {
    item = itemScanQuery(cmd.itemScan);
  } catch (err) {
    itemError = err;
  }
  const req: ConfirmRequest = { actor, taskId, lineId, cmd, clock, opts, toteCode, item, itemError };
  for (let attempt = 1; ; attempt++) {
    const done = await decideAndWrite(em, req, attempt < MAX_ATTEMPTS);
    if (done !== 'again') return done;
  }
}

/** Tries a confirm this many times when what it decided on changed before its write (then 409 confirm-contended). */
const MAX_ATTEMPTS = 5;

/** What one confirm request is, read once and the same for every attempt (the item scan parsed, or why it could not be). */
interface ConfirmRequest {
  actor: Actor;
  taskId: string;
  lineId: string;
  cmd: ConfirmPickCmd;
  clock: Clock;
  opts: TaskEngineOptions;
  toteCode: string;
  item: ItemScanQuery | null;
  itemError: unknown;
}

/**
 * One attempt of a confirm: the read and the checks, then the write, which re-reads under its row locks and writes
 * only if nothing the checks decided on has changed. 'again': it had changed (or a deadlock ended the write outside a
 * transaction), nothing was written, and `mayRetry` allows another attempt.
 */
async function decideAndWrite(em: EntityManager, req: ConfirmRequest, mayRetry: boolean): Promise<TaskView | 'again'> {
  const { actor, taskId, lineId, cmd, clock, opts, toteCode, item, itemError } = req;
  const read = readSql(item);
  const r = (await sqlPreparedOne<ConfirmReadRow>(em, read.text, read.params(taskId, lineId, toteCode)))!;
  const task = r.task;
  if (!task) throw new NotFound('Task', taskId);
  const lines = r.lines ?? [];
  const line = lines.find((l) => l.id === lineId);
  if (!line) throw new NotFound('Task line', lineId);
  const view = () => toTaskView(task, lines.map(toLineView));
  // A handheld retrying after a lost response (even the one that finished the task): answered, not repeated.
  if (line.status === 'picked' && line.picked_by === actor.id && line.tote_code === toteCode) return view();

  if (!canSeeWarehouse(actor, task.warehouse_id)) throw new NotFound('Task', taskId);
  if (task.status !== 'claimed' && task.status !== 'in_progress')
    throw new Conflict(`Task ${taskId} is ${task.status}`, 'task-not-active', { taskStatus: task.status });
  if (task.assignee_id !== actor.id) throw new Conflict(`Task ${taskId} is held by someone else`, 'task-not-yours');
  if (line.status !== 'open') throw new Conflict(`Line ${line.seq} is already ${line.status}`, 'line-closed');
  if (scannedLocation(cmd.locationScan) !== line.location_code)
    throw new ValidationFailed(
      `Wrong location: go to ${line.location_code}`,
      [{ path: 'body.locationScan', message: `expected ${line.location_code}` }],
      'wrong-location',
    );
  if (itemError) throw itemError;
  const scanned = scannedItem(item!, { byCode: r.by_code, byGtin: r.by_gtin, byUom: r.by_uom });
  if (scanned.skuId !== line.sku_id)
    throw new ValidationFailed('Wrong item for this line', [{ path: 'body.itemScan', message: 'another SKU' }], 'wrong-item');
  const lot = scanned.lot ?? cmd.lot ?? null;
  if (line.lot && lot !== line.lot)
    throw new ValidationFailed(
      `Pick lot ${line.lot} (first expiry first)${lot ? `, not ${lot}` : ''}`,
      [{ path: 'body.itemScan', message: `expected lot ${line.lot}` }],
      'wrong-lot',
    );
  const open = line.qty - line.qty_picked - line.qty_short;
  if (cmd.qty > open)
    throw new ValidationFailed(`Only ${open} to pick on this line`, [{ path: 'body.qty', message: `at most ${open}` }], 'over-pick');
  if (r.carts_limited) throw new Conflict('The CARTS location has capacity limits; picking into totes needs it unlimited', 'carts-limited');
  // CARTS exists once the warehouse released its first wave; a warehouse picking before that creates it here.
  const carts = r.carts ?? (await floorLocation(em, task.warehouse_id, CARTS_CODE));

  // The tote: the one bound to this order on this task (must match), else the scanned one if it is free.
  let lpnId: string;
  let fresh = false;
  let newLpn = false;
  if (r.bound) {
    if (r.bound.code !== toteCode)
      throw new ValidationFailed(
        `Order in cart slot ${line.cart_slot} goes into tote ${r.bound.code}, not ${toteCode}`,
        [{ path: 'body.toteScan', message: `expected ${r.bound.code}` }],
        'wrong-tote',
      );
    lpnId = r.bound.lpn_id!;
  } else {
    if (r.tote && r.tote.status !== 'free') throw new Conflict(`Tote ${toteCode} already holds another order`, 'tote-in-use');
    fresh = true;
    if (r.tote?.lpn_id) lpnId = r.tote.lpn_id;
    else if (r.label) {
      if (r.label.warehouse_id !== task.warehouse_id) throw new Conflict(`Label ${toteCode} belongs to another warehouse`, 'tote-in-use');
      lpnId = r.label.id;
    } else {
      lpnId = randomUUID();
      newLpn = true;
    }
  }

  // The reservation, consumed into the tote (the rest stays pending while the line is open, else is released).
  const lineDone = line.qty_picked + cmd.qty === line.qty;
  const res = line.reservation_id && r.res ? { ...r.res, ...r.res_stock! } : null;
  if (line.reservation_id && !res) throw new NotFound('Reservation', line.reservation_id);
  let consumed = 0;
  let keep = false;
  let rest = 0;
  if (res) {
    if (res.status !== 'pending') throw new Conflict(`Reservation ${res.id} is already ${res.status}`, 'reservation-closed');
    if (cmd.qty > res.qty - res.consumed_qty)
      throw new Conflict(`Reservation ${res.id} has ${res.qty - res.consumed_qty} left, ${cmd.qty} requested`, 'reservation-exceeded');
    if (res.b_status !== 'available') throw new Conflict(`Stock in status ${res.b_status} cannot be picked`, 'stock-on-hold');
    consumed = res.consumed_qty + cmd.qty;
    rest = res.qty - consumed;
    keep = !lineDone && rest > 0;
  }
  // Stock of a held SKU/lot that arrives anywhere lands in quarantine (as every ledger movement does).
  const toStatus = r.held ? 'quarantine' : 'available';

  // After this line: is the task done, and which of its orders have every pick line closed?
  const after = lines.map((l) => (l.id === lineId ? { ...l, status: lineDone ? 'picked' : 'open' } : l));
  const taskDone = !after.some((l) => l.status === 'open');
  const orderIds = [...new Set(lines.map((l) => l.order_id).filter((o): o is string => !!o))];
  const elsewhere = new Set(r.open_elsewhere ?? []);
  const statusOf = new Map((r.orders ?? []).map((o) => [o.id, o.status]));
  const picked = taskDone
    ? orderIds.filter((o) => !elsewhere.has(o) && (statusOf.get(o) === 'released' || statusOf.get(o) === 'picking'))
    : [];
  const started = task.status === 'claimed';
  const qtyDone = taskDone ? Math.min(task.qty_done + cmd.qty, task.qty) : task.qty_done + cmd.qty;
  const lease = new Date(clock.now().getTime() + opts.leaseS * 1000).toISOString();
  const rooms = taskRooms(task);
  const lineOrders = line.order_id ? [line.order_id] : undefined;

  const events: EmitInput<DomainEventType>[] = [];
  if (res) {
    const from = {
      locationId: res.location_id,
      lot: res.lot || null,
      expiry: res.expiry ?? null,
      lpnId: res.lpn_id ?? null,
      status: res.b_status,
    };
    const to = { locationId: carts, lot: line.lot || null, expiry: line.expiry ?? null, lpnId, status: toStatus };
    events.push(
      ...[
        {
          type: 'stock.moved' as const,
          warehouseId: task.warehouse_id,
          actorId: actor.id,
          // movementId: the id the statement's movement row gets, and faceBelowMin, both set in SQL. CARTS is virtual,
          // so no order gains from the move; but a pick that releases the reservation's rest frees stock, and the
          // allocation retry this event always queued covers that, so then the event does not say it.
          payload: {
            movementId: '0',
            type: 'pick',
            skuId: line.sku_id,
            qty: cmd.qty,
            from,
            to,
            refType: res.ref_type,
            refId: res.ref_id,
            ...(!keep && rest > 0 ? {} : { toAllocatable: false }),
          },
        },
        {
          type: 'stock.reservation_consumed' as const,
          warehouseId: task.warehouse_id,
          actorId: actor.id,
          payload: { reservationId: res.id, qty: cmd.qty, releasedQty: keep ? 0 : rest },
        },
      ],
    );
  }
  if (started)
    events.push({
      type: 'task.started',
      warehouseId: task.warehouse_id,
      payload: taskRef({ ...task, status: 'in_progress' }, lineOrders),
      rooms,
      actorId: actor.id,
    });
  events.push({
    type: 'task.line_picked',
    warehouseId: task.warehouse_id,
    rooms,
    actorId: actor.id,
    payload: {
      taskId,
      lineId,
      orderId: line.order_id,
      skuId: line.sku_id,
      locationId: line.location_id,
      qty: cmd.qty,
      toteCode,
      lot: line.lot,
      assigneeId: actor.id,
    },
  });
  if (taskDone)
    events.push({
      type: 'task.completed',
      warehouseId: task.warehouse_id,
      payload: { ...taskRef({ ...task, status: 'done' }, orderIds), qtyDone },
      rooms,
      actorId: actor.id,
    });

  const [taskSet, taskGuard] = taskMove(taskDone, started);
  const write = writeSql(item!, taskSet, taskGuard);
  const params = [
    ...read.params(taskId, lineId, toteCode),
    JSON.stringify({
      p_task: taskId,
      p_line: lineId,
      p_wh: task.warehouse_id,
      p_actor: actor.id,
      p_device: actor.deviceId ?? null,
      p_qty: cmd.qty,
      p_tote: toteCode,
      p_line_status: lineDone ? 'picked' : 'open',
      p_lease: lease,
      p_carts: carts,
      p_lpn: lpnId,
      p_new_lpn: newLpn,
      p_tote_fresh: fresh,
      p_tote_exists: !!r.tote,
      p_tote_status: line.order_id && picked.includes(line.order_id) ? 'at_pack' : 'in_use',
      p_order: line.order_id,
      p_order_line: line.order_line_id,
      p_picking_order: fresh && line.order_id && !picked.includes(line.order_id) ? line.order_id : null,
      p_picked_orders: picked,
      p_location: line.location_id,
      p_res: res?.id ?? null,
      p_res_consumed: consumed,
      p_res_status: keep ? 'pending' : 'posted',
      p_res_keep: keep,
      p_release_rest: res && !keep ? rest : 0,
      p_balance: res?.balance_id ?? null,
      p_sku: line.sku_id,
      p_to_lot: line.lot || null,
      p_to_expiry: line.expiry ?? null,
      p_to_status: toStatus,
      p_from_location: res?.location_id ?? null,
      p_from_lot: res?.lot || null,
      p_from_expiry: res?.expiry ?? null,
      p_from_lpn: res?.lpn_id ?? null,
      p_from_status: res?.b_status ?? null,
      p_ref_type: res?.ref_type ?? null,
      p_ref_id: res?.ref_id ?? null,
    }),
    r.fp,
    outboxRows(...events),
  ];
  let w: ConfirmWriteRow;
  try {
    w = (await pgPrepared<ConfirmWriteRow>(em, write, params))[0]!;
  } catch (err) {
    const e = err as { code?: string; detail?: string };
    // A guard that did not hold raised (pick_confirm_refused), which undid everything the statement wrote.
    if (e.code === 'DS409' && e.detail) {
      if (e.detail === 'task') throw new IllegalTransition(taskLifecycle.name, task.status, taskDone ? 'done' : 'in_progress', taskId);
      if (e.detail === 'label' || e.detail === 'tote') throw new Conflict(`Tote ${toteCode} already holds another order`, 'tote-in-use');
      if (e.detail === 'reservation' && res) throw new Conflict(`Reservation ${res.id} is no longer pending`, 'reservation-closed');
      if (e.detail === 'stock' && res) {
        const available = res.on_hand - res.reserved + cmd.qty;
        throw new InsufficientStock(`SKU ${line.sku_code} has ${available} available at ${line.location_code}, ${cmd.qty} requested`, {
          skuId: line.sku_id,
          locationId: res.location_id,
          available,
          requested: cmd.qty,
        });
      }
    }
    // Outside a transaction the statement was its own: a deadlock undid it all, so deciding again is safe.
    if (mayRetry && !em.isInTransaction() && (e.code === '40P01' || e.code === '40001')) return 'again';
    throw em.getDriver().convertException(err as Error);
  }
  if (!w.fresh) {
    if (mayRetry) return 'again';
    throw new Conflict(`Task ${taskId} kept changing while the scan was confirmed; scan again`, 'confirm-contended');
  }
  if (!w.task) throw new IllegalTransition(taskLifecycle.name, task.status, taskDone ? 'done' : 'in_progress', taskId);
  return toTaskView(
    w.task,
    after.map((l) =>
      toLineView(
        l.id === lineId ? { ...l, qty_picked: l.qty_picked + cmd.qty, tote_code: toteCode, status: lineDone ? 'picked' : 'open' } : l,
      ),
    ),
  );
}
