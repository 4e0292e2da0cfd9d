/**
 * Pick-face replenishment. Each pick face has a SKU, a min and a max. A replenish task (from reserve,
 * first expiry first) is raised when a pick leaves the face below min, when a released wave needs
 * more than the face holds, or at once with emergency priority after a short pick. Exactly once: the
 * check runs under an advisory lock per face and SKU, finds a live task and stops; a unique index on
 * live replenish tasks backs it in the database.
 */
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { postMovement } from '../inventory/ledger.service.js';
import { isScanError, parseScan } from '../scanning/index.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { lockTask, taskWithLines } from '../tasks/task.repo.js';
import type { TaskView } from '../tasks/task.schemas.js';
import { createTask, finishTask, lockHeldTask, recordPosition, type TaskEngineOptions } from '../tasks/task.service.js';
import { PickFace } from './entities/pick-face.entity.js';
import { Task } from '../tasks/entities/task.entity.js';
import { Sku } from '../catalog/entities/sku.entity.js';
import type { StockBalanceRow } from '../inventory/entities/stock-balance.entity.js';
import type { TaskLineRow } from '../tasks/entities/task-line.entity.js';
import { Location } from '../layout/entities/location.entity.js';

export type ReplenishReason = 'below_min' | 'wave_demand' | 'short_pick';

export async function setPickFace(
  tx: EntityManager,
  warehouseId: string,
  locationId: string,
  b: { skuId: string; minQty: number; maxQty: number },
): Promise<{ locationId: string; skuId: string; minQty: number; maxQty: number }> {
  if (b.minQty >= b.maxQty)
    throw new ValidationFailed('minQty must be below maxQty', [{ path: 'body.minQty', message: 'must be < maxQty' }]);
  const loc = await tx.count(Location, { id: locationId, warehouse_id: warehouseId, type: 'pick_face' });
  if (!loc) throw new NotFound('Pick face', locationId);
  if (!(await tx.count(Sku, { id: b.skuId }))) throw new NotFound('SKU', b.skuId);
  await sql(
    tx,
    `insert into pick_face (location_id, warehouse_id, sku_id, min_qty, max_qty) values (?, ?, ?, ?, ?)
    on conflict (location_id) do update set sku_id = excluded.sku_id, min_qty = excluded.min_qty, max_qty = excluded.max_qty, updated_at = now()`,
    [locationId, warehouseId, b.skuId, b.minQty, b.maxQty],
  );
  return { locationId, ...b };
}
export type CheckReplenishmentRow = { n: number };
export type CheckReplenishmentRow2 = Pick<StockBalanceRow, 'location_id' | 'lot' | 'lpn_id'> & { expiry: string | null; free: number };

/**
 * Raises a replenish task for the face if it needs one and none is live. A released wave passes what
 * it will take from the face (`faceDemandQty`) and what it needs of the SKU in all (`needQty`): the
 * face is refilled when the wave needs more than the face holds or would leave it below min. Short
 * picks always raise one (emergency). Returns the task id raised, or null (face fine, task already
 * live, no pick face, or no free reserve stock to bring).
 */
export async function checkReplenishment(
  tx: EntityManager,
  q: { warehouseId: string; locationId: string; skuId: string; reason: ReplenishReason; needQty?: number; faceDemandQty?: number },
): Promise<string | null> {
  const face = await tx.findOne(
    PickFace,
    { location_id: q.locationId, warehouse_id: q.warehouseId },
    { fields: ['min_qty', 'max_qty', 'sku_id'], disableIdentityMap: true },
  );
  if (!face || face.sku_id !== q.skuId) return null;
  await sql(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`replenish:${q.locationId}:${q.skuId}`]);
  const live = await tx.findOne(
    Task,
    { type: 'replenish', to_location_id: q.locationId, sku_id: q.skuId, status: { $in: ['open', 'claimed', 'in_progress'] } },
    { fields: ['id', 'priority'], disableIdentityMap: true },
  );
  const emergency = q.reason === 'short_pick';
  if (live) {
    if (emergency && live.priority < 300) await tx.nativeUpdate(Task, { id: live.id }, { priority: 300, updated_at: raw('now()') });
    return null;
  }
  const onFace = Number(
    (
      await sqlOne<CheckReplenishmentRow>(
        tx,
        `select coalesce(sum(on_hand), 0)::int as n from stock_balance where location_id = ? and sku_id = ? and status = 'available'`,
        [q.locationId, q.skuId],
      )
    )?.n ?? 0,
  );
  // What the face will hold once the released demand is picked from it.
  const after = onFace - (q.faceDemandQty ?? 0);
  const needed = emergency || after < face.min_qty || (q.needQty !== undefined && q.needQty > onFace);
  if (!needed) return null;
  const want = Math.max(face.max_qty - after, (q.needQty ?? 0) - onFace, 1);
  // FEFO from reserve: the earliest expiry (then the oldest receipt) first.
  const src = await sqlOne<CheckReplenishmentRow2>(
    tx,
    `select b.location_id, b.lot, b.expiry::text as expiry, b.lpn_id, b.on_hand - b.reserved as free
    from stock_balance b join location l on l.id = b.location_id
    where b.warehouse_id = ? and b.sku_id = ? and b.status = 'available' and l.type = 'reserve' and l.active and b.on_hand > b.reserved
      and not exists (select 1 from stock_hold h where h.active and h.sku_id = b.sku_id and (h.lot is null or h.lot = b.lot)
        and (h.warehouse_id is null or h.warehouse_id = b.warehouse_id) and (h.location_id is null or h.location_id = b.location_id))
    order by b.expiry asc nulls last, b.first_received_at, b.id limit 1`,
    [q.warehouseId, q.skuId],
  );
  if (!src) return null;
  const qty = Math.min(want, src.free);
  const task = await createTask(tx, q.warehouseId, {
    type: 'replenish',
    priority: emergency ? 300 : q.reason === 'wave_demand' ? 150 : 70,
    fromLocationId: src.location_id,
    toLocationId: q.locationId,
    skuId: q.skuId,
    lot: src.lot ?? undefined,
    qty,
    details: { reason: q.reason, expiry: src.expiry, lpnId: src.lpn_id, emergency },
  });
  await emit(tx, {
    type: 'replenishment.requested',
    warehouseId: q.warehouseId,
    rooms: [`task:${task.id}`],
    payload: {
      taskId: task.id,
      locationId: q.locationId,
      skuId: q.skuId,
      qty,
      fromLocationId: src.location_id,
      reason: q.reason,
      emergency,
    },
  });
  return task.id;
}
export type CheckWaveDemandRow = Pick<TaskLineRow, 'location_id' | 'sku_id'> & { face_qty: number; need_qty: number };

/**
 * A released wave: every pick face of a SKU the wave picks is checked against the wave's demand — what
 * its open lines take from that face, and what they need of the SKU in all (lines the allocation put on
 * reserve because the face was short count too). Returns the replenish task ids raised.
 */
export async function checkWaveDemand(tx: EntityManager, warehouseId: string, waveId: string): Promise<string[]> {
  const demand = await sql<CheckWaveDemandRow>(
    tx,
    `with d as (
      select l.sku_id, l.location_id, sum(l.qty - l.qty_picked - l.qty_short)::int as qty
      from task_line l join task t on t.id = l.task_id
      where t.wave_id = ? and l.status = 'open' and t.status <> 'cancelled' group by l.sku_id, l.location_id)
    select pf.location_id, pf.sku_id,
      coalesce(sum(d.qty) filter (where d.location_id = pf.location_id), 0)::int as face_qty, sum(d.qty)::int as need_qty
    from d join pick_face pf on pf.sku_id = d.sku_id and pf.warehouse_id = ?
    group by pf.location_id, pf.sku_id order by pf.location_id`,
    [waveId, warehouseId],
  );
  const ids: string[] = [];
  for (const d of demand) {
    const id = await checkReplenishment(tx, {
      warehouseId,
      locationId: d.location_id,
      skuId: d.sku_id,
      reason: 'wave_demand',
      needQty: d.need_qty,
      faceDemandQty: d.face_qty,
    });
    if (id) ids.push(id);
  }
  return ids;
}

/** The replenisher scans the pick face: stock moves from reserve (same lot, LPN) to the face through the ledger. */
export async function confirmReplenishment(
  tx: EntityManager,
  actor: Actor,
  taskId: string,
  cmd: { locationScan: string; qty?: number },
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const locked = await lockTask(tx, taskId);
  if (locked.status === 'done' && locked.assignee_id === actor.id && locked.type === 'replenish') return taskWithLines(tx, locked);
  const task = await lockHeldTask(tx, actor, taskId, clock, opts, locked);
  if (task.type !== 'replenish' || !task.to_location_id || !task.from_location_id || !task.sku_id)
    throw new Conflict(`Task ${taskId} is not a pick-face replenishment`, 'not-a-replenish-task');
  let code = cmd.locationScan.trim();
  try {
    const s = parseScan(cmd.locationScan);
    code = (s.location ?? s.sku ?? code).trim();
  } catch (e) {
    if (!isScanError(e)) throw e;
  }
  const face = await tx.findOneOrFail(Location, { id: task.to_location_id! }, { fields: ['code'], disableIdentityMap: true });
  if (code !== face.code)
    throw new ValidationFailed(
      `Wrong location: this replenishment goes to ${face.code}`,
      [{ path: 'body.locationScan', message: `expected ${face.code}`, code: 'wrong-location' }],
      'wrong-location',
    );
  const d = task.details as { expiry?: string | null; lpnId?: string | null };
  const qty = Math.min(cmd.qty ?? task.qty, task.qty);
  await postMovement(tx, {
    warehouseId: task.warehouse_id,
    type: 'move',
    skuId: task.sku_id,
    qty,
    from: { locationId: task.from_location_id, lot: task.lot, expiry: d.expiry ?? null, lpnId: d.lpnId ?? null },
    to: { locationId: task.to_location_id, lot: task.lot, expiry: d.expiry ?? null },
    userId: actor.id,
    deviceId: actor.deviceId,
    reasonCode: 'replenish',
    refType: 'task',
    refId: taskId,
  });
  await recordPosition(tx, actor.id, task.to_location_id);
  return taskWithLines(tx, await finishTask(tx, task, actor.id, qty));
}
