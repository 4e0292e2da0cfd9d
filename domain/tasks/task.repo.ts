import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { TaskLineView, TaskType, TaskView } from './task.schemas.js';
import { iso } from '../shared/time.js';

/** A task row as stored (snake_case, raw). */
export interface TaskRow {
  id: string;
  warehouse_id: string;
  type: TaskType;
  status: TaskView['status'];
  priority: number;
  roles: string[];
  equipment: string | null;
  zone_id: string | null;
  wave_id: string | null;
  order_id: string | null;
  reserved_for: string | null;
  assignee_id: string | null;
  device_id: string | null;
  lease_expires_at: Date | string | null;
  due_at: Date | string | null;
  from_location_id: string | null;
  to_location_id: string | null;
  sku_id: string | null;
  lot: string | null;
  qty: number;
  qty_done: number;
  ref_type: string | null;
  ref_id: string | null;
  exception: Record<string, unknown> | null;
  details: Record<string, unknown>;
  version: number;
  created_at: Date | string;
  claimed_at: Date | string | null;
  completed_at: Date | string | null;
}

export const TASK_COLUMNS = `id, warehouse_id, type, status, priority, roles, equipment, zone_id, wave_id, order_id, reserved_for, assignee_id,
  device_id, lease_expires_at, due_at, from_location_id, to_location_id, sku_id, lot, qty, qty_done, ref_type, ref_id, exception, details,
  version, created_at, claimed_at, completed_at`;

export function toTaskView(r: TaskRow, lines?: TaskLineView[]): TaskView {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    type: r.type,
    status: r.status,
    priority: r.priority,
    roles: r.roles,
    equipment: r.equipment,
    zoneId: r.zone_id,
    waveId: r.wave_id,
    orderId: r.order_id,
    reservedFor: r.reserved_for,
    assigneeId: r.assignee_id,
    leaseExpiresAt: iso(r.lease_expires_at),
    dueAt: iso(r.due_at),
    fromLocationId: r.from_location_id,
    toLocationId: r.to_location_id,
    skuId: r.sku_id,
    lot: r.lot,
    qty: r.qty,
    qtyDone: r.qty_done,
    refType: r.ref_type,
    refId: r.ref_id,
    exception: r.exception,
    details: r.details,
    version: r.version,
    createdAt: iso(r.created_at)!,
    claimedAt: iso(r.claimed_at),
    completedAt: iso(r.completed_at),
    ...(lines ? { lines } : {}),
  };
}

/** Locks the task row (SELECT … FOR UPDATE); 404 when it does not exist. */
export async function lockTask(em: EntityManager, taskId: string): Promise<TaskRow> {
  const row = await sqlOne<TaskRow>(em, `select ${TASK_COLUMNS} from task where id = ? for update`, [taskId]);
  if (!row) throw new NotFound('Task', taskId);
  return row;
}

export async function findTask(em: EntityManager, taskId: string): Promise<TaskRow | undefined> {
  return sqlOne<TaskRow>(em, `select ${TASK_COLUMNS} from task where id = ?`, [taskId]);
}

/** Columns of a pick line as a handheld sees it (`l` = task_line, `s` = sku, `loc` = location). */
export const LINE_VIEW_COLUMNS = `l.id, l.seq, l.order_id, l.order_line_id, l.sku_id, s.code as sku_code, l.location_id, loc.code as location_code, l.lot,
      to_char(l.expiry, 'YYYY-MM-DD') as expiry, l.qty, l.qty_picked, l.qty_short, l.tote_code, l.cart_slot, l.status`;

/** A row of LINE_VIEW_COLUMNS as the handheld's line view. */
export function toLineView(r: Record<string, unknown>): TaskLineView {
  return {
    id: r.id as string,
    seq: r.seq as number,
    orderId: (r.order_id as string) ?? null,
    orderLineId: (r.order_line_id as string) ?? null,
    skuId: r.sku_id as string,
    skuCode: r.sku_code as string,
    locationId: r.location_id as string,
    locationCode: r.location_code as string,
    lot: (r.lot as string) ?? null,
    expiry: (r.expiry as string) ?? null,
    qty: r.qty as number,
    qtyPicked: r.qty_picked as number,
    qtyShort: r.qty_short as number,
    toteCode: (r.tote_code as string) ?? null,
    cartSlot: (r.cart_slot as number) ?? null,
    status: r.status as TaskLineView['status'],
  };
}

/** The pick lines of a task in walking order, with the codes a handheld shows. */
export async function loadLines(em: EntityManager, taskId: string): Promise<TaskLineView[]> {
  const rows = await sql<Record<string, unknown>>(
    em,
    `
    select ${LINE_VIEW_COLUMNS}
    from task_line l join sku s on s.id = l.sku_id join location loc on loc.id = l.location_id
    where l.task_id = ? order by l.seq`,
    [taskId],
  );
  return rows.map(toLineView);
}

/** Task view, with its lines for pick tasks. */
export async function taskWithLines(em: EntityManager, row: TaskRow): Promise<TaskView> {
  return toTaskView(row, row.type === 'pick' || row.type === 'putback' ? await loadLines(em, row.id) : undefined);
}

/** Rooms a task event goes to besides the warehouse board: the task room and the assignee's own room. */
export function taskRooms(row: Pick<TaskRow, 'id' | 'assignee_id'>, ...extraUsers: (string | null | undefined)[]): string[] {
  const users = new Set([row.assignee_id, ...extraUsers].filter((u): u is string => !!u));
  return [`task:${row.id}`, ...[...users].map((u) => `user:${u}`)];
}

/** The common part of every task event payload. */
export function taskRef(row: TaskRow, orderIds?: string[]) {
  return {
    taskId: row.id,
    type: row.type,
    status: row.status,
    priority: row.priority,
    assigneeId: row.assignee_id,
    waveId: row.wave_id,
    ...(orderIds ? { orderIds } : row.order_id ? { orderIds: [row.order_id] } : {}),
  };
}
