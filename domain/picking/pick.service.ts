import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { createCountTasks } from '../inventory/counts.service.js';
import { consumeReservation, reserve } from '../inventory/ledger.service.js';
import { createLpn } from '../inventory/lpn.service.js';
import { logOrder } from '../orders/order-log.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { TASK_COLUMNS, loadLines, taskRooms, taskWithLines, toTaskView, type TaskRow } from '../tasks/task.repo.js';
import type { TaskView } from '../tasks/task.schemas.js';
import { createTask, finishTask, lockHeldTask, markStarted, type TaskEngineOptions } from '../tasks/task.service.js';
import { CARTS_CODE, floorLocation } from './floor-locations.js';
import { loadPickGraph, resequenceStops } from './path.service.js';
import { scannedTote } from './scan-match.js';
import { moveOrders } from '../orders/order-status.js';
import type { ToteRow } from './entities/tote.entity.js';
import type { LicensePlateRow } from '../inventory/entities/license-plate.entity.js';

export interface ShortPickCmd {
  /** How many the picker found (and picked, into the tote) at the location. */
  qtyFound: number;
  toteScan?: string;
}

interface LineRow {
  id: string;
  task_id: string;
  seq: number;
  expiry: string | null;
  picked_by: string | null;
  order_id: string | null;
  order_line_id: string | null;
  reservation_id: string | null;
  sku_id: string;
  location_id: string;
  location_code: string;
  lot: string | null;
  qty: number;
  qty_picked: number;
  qty_short: number;
  tote_code: string | null;
  cart_slot: number | null;
  status: string;
}

async function lockLine(em: EntityManager, taskId: string, lineId: string): Promise<LineRow> {
  const l = await sqlOne<LineRow>(
    em,
    `select l.*, to_char(l.expiry, 'YYYY-MM-DD') as expiry, loc.code as location_code from task_line l join location loc on loc.id = l.location_id
    where l.id = ? and l.task_id = ? for update of l`,
    [lineId, taskId],
  );
  if (!l) throw new NotFound('Task line', lineId);
  return l;
}

/** The tote bound to an order on this task (a bound tote always carries its LPN). */
export type BoundToteRow = Pick<ToteRow, 'code'> & { lpn_id: string };

/**
 * The tote for an order on this task: the one already bound to the order (must match the scan), or
 * the scanned tote if it is free (bound now: one tote per order, in the order's cart slot).
 */
async function bindTote(
  em: EntityManager,
  row: TaskRow,
  line: LineRow,
  code: string,
  carts: string,
): Promise<{ code: string; lpnId: string; fresh: boolean }> {
  const bound = await sqlOne<BoundToteRow>(em, `select code, lpn_id from tote where warehouse_id = ? and order_id = ? and task_id = ?`, [
    row.warehouse_id,
    line.order_id,
    row.id,
  ]);
  if (bound) {
    if (bound.code !== code)
      throw new ValidationFailed(
        `Order in cart slot ${line.cart_slot} goes into tote ${bound.code}, not ${code}`,
        [{ path: 'body.toteScan', message: `expected ${bound.code}` }],
        'wrong-tote',
      );
    return { code, lpnId: bound.lpn_id, fresh: false };
  }
  let tote = await sqlOne<Pick<ToteRow, 'status' | 'lpn_id' | 'order_id'>>(
    em,
    'select status, lpn_id, order_id from tote where warehouse_id = ? and code = ? for update',
    [row.warehouse_id, code],
  );
  if (!tote) {
    await sql(em, `insert into tote (warehouse_id, code) values (?, ?) on conflict do nothing`, [row.warehouse_id, code]);
    tote = (await sqlOne<Pick<ToteRow, 'status' | 'lpn_id' | 'order_id'>>(
      em,
      'select status, lpn_id, order_id from tote where warehouse_id = ? and code = ? for update',
      [row.warehouse_id, code],
    ))!;
  }
  if (tote.status !== 'free') throw new Conflict(`Tote ${code} already holds another order`, 'tote-in-use');
  let lpnId = tote.lpn_id;
  if (!lpnId) {
    const existing = await sqlOne<Pick<LicensePlateRow, 'id' | 'warehouse_id'>>(
      em,
      'select id, warehouse_id from license_plate where code = ?',
      [code],
    );
    if (existing && existing.warehouse_id !== row.warehouse_id)
      throw new Conflict(`Label ${code} belongs to another warehouse`, 'tote-in-use');
    lpnId = existing?.id ?? (await createLpn(em, { warehouseId: row.warehouse_id, type: 'tote', locationId: carts, code })).id;
  }
  await sql(
    em,
    `update tote set status = 'in_use', order_id = ?, task_id = ?, lpn_id = ?, updated_at = now() where warehouse_id = ? and code = ?`,
    [line.order_id, row.id, lpnId, row.warehouse_id, code],
  );
  return { code, lpnId, fresh: true };
}

export type AfterLineRow = { order_id: string };

/** After a line closes: finish the task when nothing is open, and move orders/wave on. */
async function afterLine(em: EntityManager, row: TaskRow, actorId: string, current?: TaskRow): Promise<TaskView> {
  const lines = await loadLines(em, row.id);
  const fresh = current ?? (await sqlOne<TaskRow>(em, `select ${TASK_COLUMNS} from task where id = ?`, [row.id]))!;
  if (lines.some((l) => l.status === 'open')) return toTaskView(fresh, lines);
  const orderIds = [...new Set(lines.map((l) => l.orderId).filter((o): o is string => !!o))];
  const done = await finishTask(em, { ...fresh, qty: fresh.qty }, actorId, fresh.qty_done, orderIds);
  // Orders whose every pick line (on any task) is closed are picked.
  const picked = await sql<AfterLineRow>(
    em,
    `
    select o.id as order_id from sales_order o where o.id = any(?::uuid[]) and o.status in ('released', 'picking')
      and not exists (select 1 from task_line l join task t on t.id = l.task_id where l.order_id = o.id and l.status = 'open' and t.status <> 'cancelled')`,
    [`{${orderIds.join(',')}}`],
  );
  if (picked.length) {
    await moveOrders(
      em,
      picked.map((p) => p.order_id),
      'picked',
    );
    await sql(em, `update wave_order set status = 'picked' where order_id = any(?::uuid[]) and status = 'released'`, [
      `{${picked.map((p) => p.order_id).join(',')}}`,
    ]);
    await sql(em, `update tote set status = 'at_pack', updated_at = now() where order_id = any(?::uuid[])`, [
      `{${picked.map((p) => p.order_id).join(',')}}`,
    ]);
  }
  // The wave's own progress (picked, completed) is settled after commit by the floor-events worker (settleWave).
  return taskWithLines(em, done);
}

/**
 * Short pick: the picker found `qtyFound` of what the line asks. What was found goes into the tote;
 * the rest is re-allocated at other locations (inserted into this pick list, which is re-sequenced
 * from where the picker stands) or, when there is none, backordered. A count task is raised for the
 * location and the supervisor board gets a live alert.
 */
export async function shortPick(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  lineId: string,
  cmd: ShortPickCmd,
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const row = await lockHeldTask(em, actor, taskId, clock, opts);
  const line = await lockLine(em, taskId, lineId);
  if (line.status !== 'open') throw new Conflict(`Line ${line.seq} is already ${line.status}`, 'line-closed');
  const open = line.qty - line.qty_picked - line.qty_short;
  if (cmd.qtyFound >= open)
    throw new ValidationFailed(
      `Found ${cmd.qtyFound} of ${open}: that is not short, confirm the pick`,
      [{ path: 'body.qtyFound', message: `less than ${open}` }],
      'not-short',
    );
  let toteCode = line.tote_code;
  if (cmd.qtyFound > 0) {
    if (!cmd.toteScan)
      throw new ValidationFailed('Scan the tote the found units go into', [
        { path: 'body.toteScan', message: 'required when qtyFound > 0' },
      ]);
    const carts = await floorLocation(em, row.warehouse_id, CARTS_CODE);
    const tote = await bindTote(em, row, line, scannedTote(cmd.toteScan), carts);
    toteCode = tote.code;
    if (line.reservation_id)
      await consumeReservation(em, line.reservation_id, {
        qty: cmd.qtyFound,
        to: { locationId: carts, lpnId: tote.lpnId, lot: line.lot, expiry: line.expiry },
        userId: actor.id,
        deviceId: actor.deviceId,
      });
    if (line.order_line_id)
      await sql(em, 'update order_line set picked_qty = picked_qty + ? where id = ?', [cmd.qtyFound, line.order_line_id]);
  } else if (line.reservation_id) {
    await consumeReservation(em, line.reservation_id, { qty: 0, to: { locationId: line.location_id }, userId: actor.id });
  }
  const missing = open - cmd.qtyFound;
  await sql(
    em,
    `update task_line set qty_picked = qty_picked + ?, qty_short = qty_short + ?, tote_code = ?, status = 'short', picked_by = ?, picked_at = now() where id = ?`,
    [cmd.qtyFound, missing, toteCode, actor.id, lineId],
  );
  await sql(em, 'update task set qty_done = qty_done + ?, qty = qty - ?, updated_at = now() where id = ?', [cmd.qtyFound, missing, taskId]);
  await markStarted(em, row, actor.id, line.order_id ? [line.order_id] : undefined);

  let reallocated = 0;
  if (line.order_line_id) {
    await sql(em, 'update order_line set allocated_qty = allocated_qty - ? where id = ?', [missing, line.order_line_id]);
    const r = await reserve(em, {
      warehouseId: row.warehouse_id,
      skuId: line.sku_id,
      qty: missing,
      refType: 'order_line',
      refId: line.order_line_id,
      excludeLocationIds: [line.location_id],
      allowPartial: true,
      userId: actor.id,
    });
    reallocated = r.reservations.reduce((s, x) => s + x.qty, 0);
    if (reallocated > 0) {
      await sql(em, 'update order_line set allocated_qty = allocated_qty + ? where id = ?', [reallocated, line.order_line_id]);
      await insertLines(em, row, line, r.reservations);
    }
    const backordered = missing - reallocated;
    await logOrder(em, line.order_id!, {
      category: 'allocation',
      action: 'short_pick',
      lineId: line.order_line_id,
      message: `Short pick at ${line.location_code}: ${cmd.qtyFound} found of ${open}; ${reallocated} re-allocated elsewhere${backordered ? `, ${backordered} backordered` : ''}`,
      data: { taskId, lineId, reservations: r.reservations.map((x) => ({ id: x.id, locationCode: x.locationCode, qty: x.qty })) },
    });
  }
  const counts = await createCountTasks(em, {
    warehouseId: row.warehouse_id,
    kind: 'location',
    locationIds: [line.location_id],
    blind: true,
    userId: actor.id,
  });
  let countTaskId: string | null = null;
  if (counts[0]) {
    countTaskId = (
      await createTask(
        em,
        row.warehouse_id,
        {
          type: 'count',
          priority: 200,
          fromLocationId: line.location_id,
          skuId: line.sku_id,
          refType: 'count_task',
          refId: counts[0].id,
          details: { reason: 'short_pick', pickTaskId: taskId },
        },
        actor.id,
      )
    ).id;
  }
  const resolution = reallocated === missing ? 'reallocated' : reallocated === 0 ? 'backordered' : 'partial';
  await emit(em, {
    type: 'task.short_picked',
    warehouseId: row.warehouse_id,
    rooms: taskRooms(row),
    actorId: actor.id,
    payload: {
      taskId,
      lineId,
      orderId: line.order_id,
      skuId: line.sku_id,
      locationId: line.location_id,
      qtyExpected: open,
      qtyFound: cmd.qtyFound,
      resolution,
      countTaskId,
      assigneeId: actor.id,
    },
  });
  return afterLine(em, row, actor.id);
}

/** Adds re-allocated picks to a pick list being walked and re-sequences what is left (pick-path resequence). */
async function insertLines(
  em: EntityManager,
  row: TaskRow,
  from: LineRow,
  res: { id: string; locationId: string; locationCode: string; lot: string | null; expiry: string | null; qty: number }[],
): Promise<void> {
  const lines = await loadLines(em, row.id);
  const done = lines.filter((l) => l.status !== 'open');
  const todo = lines.filter((l) => l.status === 'open');
  const graph = await loadPickGraph(em, row.warehouse_id, {
    locationIds: [...lines.map((l) => l.locationId), ...res.map((r) => r.locationId)],
  });
  const current = [...done, ...todo].map((l) => ({ locationCode: l.locationCode }));
  const order = resequenceStops(
    graph,
    current,
    done.length,
    res.map((r) => ({ locationCode: r.locationCode })),
  );
  const all = [
    ...done.map((l) => ({ kind: 'old' as const, id: l.id })),
    ...todo.map((l) => ({ kind: 'old' as const, id: l.id })),
    ...res.map((r) => ({ kind: 'new' as const, r })),
  ];
  // Renumber in two steps to keep (task_id, seq) unique throughout.
  await sql(em, 'update task_line set seq = seq + 100000 where task_id = ?', [row.id]);
  let seq = 0;
  for (const i of order) {
    const item = all[i]!;
    seq++;
    if (item.kind === 'old') await sql(em, 'update task_line set seq = ? where id = ?', [seq, item.id]);
    else {
      await sql(
        em,
        `insert into task_line (task_id, warehouse_id, seq, order_id, order_line_id, reservation_id, sku_id, location_id, lot, expiry, qty, cart_slot, tote_code)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::date, ?, ?, ?)`,
        [
          row.id,
          row.warehouse_id,
          seq,
          from.order_id,
          from.order_line_id,
          item.r.id,
          from.sku_id,
          item.r.locationId,
          item.r.lot,
          item.r.expiry ? String(item.r.expiry).slice(0, 10) : null,
          item.r.qty,
          from.cart_slot,
          null,
        ],
      );
      await sql(em, 'update task set qty = qty + ? where id = ?', [item.r.qty, row.id]);
    }
  }
}
