import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { postMovement } from '../inventory/ledger.service.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { TASK_COLUMNS, taskRef, taskRooms, taskWithLines, type TaskRow } from '../tasks/task.repo.js';
import type { TaskView } from '../tasks/task.schemas.js';
import { createTask, finishTask, lockHeldTask, markStarted, recordPosition, type TaskEngineOptions } from '../tasks/task.service.js';
import { CARTS_CODE, OUTBOUND_CODE, floorLocation } from './floor-locations.js';
import { resolveItemScan, scannedLocation } from './scan-match.js';
import { moveTask } from '../tasks/task-status.js';
import { shipmentLifecycle } from '../shipping/shipment.lifecycle.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { ToteRow } from './entities/tote.entity.js';
import type { StockBalanceRow } from '../inventory/entities/stock-balance.entity.js';
import type { LicensePlateRow } from '../inventory/entities/license-plate.entity.js';
import type { TaskLineRow } from '../tasks/entities/task-line.entity.js';
import type { LocationRow } from '../layout/entities/location.entity.js';
export type RaisePutbackRow = Pick<ShipmentRow, 'id'> & { contents: { lpnId?: string }[] };
export type RaisePutbackRow2 = Pick<StockBalanceRow, 'location_id' | 'lpn_id' | 'sku_id' | 'lot' | 'on_hand'> &
  Pick<LicensePlateRow, 'code'> & { expiry: string | null };

/**
 * A cancelled order's picked goods go back to stock: one put-back task whose lines take each tote or
 * carton balance back to the location it was picked from. Packed shipments of the order are cancelled.
 * Idempotent per order (a unique index on the task reference). Returns the task id, or null when
 * nothing of the order is on the floor.
 */
export async function raisePutback(em: EntityManager, warehouseId: string, orderId: string, actorId?: string): Promise<string | null> {
  const existing = await sqlOne<Pick<TaskRow, 'id'>>(
    em,
    `select id from task where warehouse_id = ? and type = 'putback' and ref_type = 'order' and ref_id = ? and status <> 'cancelled'`,
    [warehouseId, orderId],
  );
  if (existing) return existing.id;
  const carts = await floorLocation(em, warehouseId, CARTS_CODE);
  const outbound = await floorLocation(em, warehouseId, OUTBOUND_CODE);
  const shipments = await sql<RaisePutbackRow>(
    em,
    `update shipment set status = 'cancelled', updated_at = now()
    where order_id = ? and ${shipmentLifecycle.fromSql('cancelled')} returning id, contents`,
    [orderId],
  );
  const lpns = new Set(
    (await sql<Pick<ToteRow, 'lpn_id'>>(em, 'select lpn_id from tote where order_id = ? and lpn_id is not null', [orderId])).map(
      (t) => t.lpn_id,
    ),
  );
  for (const s of shipments) for (const c of s.contents) if (c.lpnId) lpns.add(c.lpnId);
  if (lpns.size === 0) return null;
  const bals = await sql<RaisePutbackRow2>(
    em,
    `
    select b.location_id, b.lpn_id, lp.code, b.sku_id, b.lot, to_char(b.expiry, 'YYYY-MM-DD') as expiry, b.on_hand
    from stock_balance b join license_plate lp on lp.id = b.lpn_id
    where b.location_id = any(?::uuid[]) and b.lpn_id = any(?::uuid[]) and b.on_hand > 0 order by lp.code, b.sku_id`,
    [`{${carts},${outbound}}`, `{${[...lpns].join(',')}}`],
  );
  if (bals.length === 0) return null;
  const lines: { dest: string; b: (typeof bals)[number] }[] = [];
  for (const b of bals) {
    const dest =
      (await sqlOne<Pick<TaskLineRow, 'location_id'>>(
        em,
        `select location_id from task_line where order_id = ? and sku_id = ? and qty_picked > 0 and from_lpn_id is null order by picked_at limit 1`,
        [orderId, b.sku_id],
      )) ??
      (await sqlOne<Pick<StockBalanceRow, 'location_id'>>(
        em,
        `select b.location_id from stock_balance b join location l on l.id = b.location_id where b.warehouse_id = ? and b.sku_id = ? and l.type = 'pick_face' order by b.on_hand desc limit 1`,
        [warehouseId, b.sku_id],
      ));
    if (dest) lines.push({ dest: dest.location_id, b });
  }
  if (lines.length === 0) return null;
  const task = await createTask(
    em,
    warehouseId,
    {
      type: 'putback',
      priority: 150,
      orderId,
      orderIds: [orderId],
      refType: 'order',
      refId: orderId,
      qty: lines.reduce((s, l) => s + l.b.on_hand, 0),
      lineCount: lines.length,
      details: { reason: 'order cancelled after pick', cancelledShipmentIds: shipments.map((s) => s.id) },
    },
    actorId,
  );
  await sql(
    em,
    `insert into task_line (task_id, warehouse_id, seq, order_id, sku_id, location_id, lot, expiry, qty, tote_code, from_location_id, from_lpn_id)
    select ?, ?, x.seq, ?, x.sku_id, x.location_id, x.lot, x.expiry, x.qty, x.tote_code, x.from_location_id, x.from_lpn_id
    from jsonb_to_recordset(?::jsonb) as x(seq int, sku_id uuid, location_id uuid, lot text, expiry date, qty int, tote_code text, from_location_id uuid, from_lpn_id uuid)`,
    [
      task.id,
      warehouseId,
      orderId,
      JSON.stringify(
        lines.map((l, i) => ({
          seq: i + 1,
          sku_id: l.b.sku_id,
          location_id: l.dest,
          lot: l.b.lot,
          expiry: l.b.expiry,
          qty: l.b.on_hand,
          tote_code: l.b.code,
          from_location_id: l.b.location_id,
          from_lpn_id: l.b.lpn_id,
        })),
      ),
    ],
  );
  return task.id;
}
/** A put-back line with its destination's code (a put-back line always names its SKU and the place it comes from). */
export type ConfirmPutbackRow = Pick<
  TaskLineRow,
  'id' | 'order_id' | 'location_id' | 'lot' | 'qty' | 'qty_picked' | 'status' | 'from_lpn_id'
> &
  Pick<LocationRow, 'code'> & { expiry: string | null; sku_id: string; from_location_id: string };
export type ConfirmPutbackRow2 = { n: number };

/** Puts one line back: scan the destination location and the item; stock moves from the tote/carton to the shelf. */
export async function confirmPutback(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  lineId: string,
  cmd: { locationScan: string; itemScan: string; qty: number },
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const row = await lockHeldTask(em, actor, taskId, clock, opts);
  if (row.type !== 'putback') throw new Conflict(`Task ${taskId} is a ${row.type} task`, 'not-a-putback');
  const line = await sqlOne<ConfirmPutbackRow>(
    em,
    `
    select l.id, l.order_id, l.sku_id, l.location_id, loc.code, l.lot, to_char(l.expiry, 'YYYY-MM-DD') as expiry, l.qty, l.qty_picked, l.status, l.from_location_id, l.from_lpn_id
    from task_line l join location loc on loc.id = l.location_id where l.id = ? and l.task_id = ? for update of l`,
    [lineId, taskId],
  );
  if (!line) throw new NotFound('Task line', lineId);
  if (line.status !== 'open') throw new Conflict('This line is already put back', 'line-closed');
  if (scannedLocation(cmd.locationScan) !== line.code)
    throw new ValidationFailed(
      `Wrong location: put it back at ${line.code}`,
      [{ path: 'body.locationScan', message: `expected ${line.code}` }],
      'wrong-location',
    );
  if ((await resolveItemScan(em, cmd.itemScan)).skuId !== line.sku_id)
    throw new ValidationFailed('Wrong item for this line', [{ path: 'body.itemScan', message: 'another SKU' }], 'wrong-item');
  const open = line.qty - line.qty_picked;
  if (cmd.qty > open)
    throw new ValidationFailed(`Only ${open} to put back on this line`, [{ path: 'body.qty', message: `at most ${open}` }], 'over-pick');
  await postMovement(em, {
    warehouseId: row.warehouse_id,
    type: 'move',
    skuId: line.sku_id,
    qty: cmd.qty,
    from: { locationId: line.from_location_id, lpnId: line.from_lpn_id, lot: line.lot, expiry: line.expiry },
    to: { locationId: line.location_id, lot: line.lot, expiry: line.expiry },
    userId: actor.id,
    deviceId: actor.deviceId,
    refType: 'putback',
    refId: taskId,
  });
  const done = line.qty_picked + cmd.qty === line.qty;
  await sql(em, `update task_line set qty_picked = qty_picked + ?, status = ?, picked_by = ?, picked_at = now() where id = ?`, [
    cmd.qty,
    done ? 'picked' : 'open',
    actor.id,
    lineId,
  ]);
  const upd = (await sqlOne<TaskRow>(
    em,
    `update task set qty_done = qty_done + ?, updated_at = now() where id = ? returning ${TASK_COLUMNS}`,
    [cmd.qty, taskId],
  ))!;
  await markStarted(em, upd, actor.id);
  await recordPosition(em, actor.id, line.location_id);
  await emit(em, {
    type: 'task.progressed',
    warehouseId: row.warehouse_id,
    rooms: taskRooms(upd),
    actorId: actor.id,
    payload: { ...taskRef(upd), qtyDone: upd.qty_done, qty: upd.qty },
  });
  const left = await sqlOne<ConfirmPutbackRow2>(em, `select count(*)::int as n from task_line where task_id = ? and status = 'open'`, [
    taskId,
  ]);
  if (left!.n > 0) return taskWithLines(em, upd);
  if (line.order_id)
    await sql(em, `update tote set status = 'free', order_id = null, task_id = null, updated_at = now() where order_id = ?`, [
      line.order_id,
    ]);
  return taskWithLines(em, await finishTask(em, upd, actor.id, upd.qty_done));
}
export type DropCancelledOrderRow = Pick<TaskLineRow, 'task_id'> & { open: number };
export type DropCancelledOrderRow2 = { n: number };

/**
 * An order cancelled before anything was picked leaves the floor: its open pick lines are cancelled
 * (the orders context released their reservations), tasks left without work close, and it leaves its wave.
 */
export async function dropCancelledOrder(em: EntityManager, warehouseId: string, orderId: string): Promise<number> {
  const lines = await sql<DropCancelledOrderRow>(
    em,
    `update task_line l set status = 'cancelled' from task t
    where t.id = l.task_id and l.order_id = ? and l.status = 'open' and t.status in ('open', 'claimed', 'in_progress') and t.type = 'pick'
    returning l.task_id, (l.qty - l.qty_picked - l.qty_short) as open`,
    [orderId],
  );
  const byTask = new Map<string, number>();
  for (const l of lines) byTask.set(l.task_id, (byTask.get(l.task_id) ?? 0) + l.open);
  for (const [taskId, qty] of byTask) {
    const t = (await sqlOne<TaskRow>(em, `update task set qty = qty - ?, updated_at = now() where id = ? returning ${TASK_COLUMNS}`, [
      qty,
      taskId,
    ]))!;
    const left = await sqlOne<DropCancelledOrderRow2>(
      em,
      `select count(*)::int as n from task_line where task_id = ? and status = 'open'`,
      [taskId],
    );
    if (left!.n > 0) {
      await emit(em, {
        type: 'task.progressed',
        warehouseId,
        rooms: taskRooms(t),
        payload: { ...taskRef(t, [orderId]), qtyDone: t.qty_done, qty: t.qty },
      });
    } else if (t.qty_done > 0) {
      await finishTask(em, t, t.assignee_id ?? 'system', t.qty_done);
    } else {
      await moveTask(em, taskId, 'cancelled', {
        set: 'lease_expires_at = null, completed_at = now(), version = version + 1',
        event: (c) => ({
          type: 'task.cancelled',
          warehouseId,
          rooms: taskRooms(t),
          payload: { ...taskRef(c, [orderId]), reason: 'order cancelled' },
        }),
      });
    }
  }
  await sql(em, `update wave_order set status = 'removed' where order_id = ? and status <> 'removed'`, [orderId]);
  return lines.length;
}
