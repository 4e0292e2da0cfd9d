import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { recordAudit } from '../identity/audit.js';
import type { Clock } from '../shared/clock.js';
import { BadRequest, Conflict, NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { TASK_COLUMNS, lockTask, taskRef, taskRooms, taskWithLines, toTaskView, type TaskRow } from './task.repo.js';
import type { ListTasksQuery, TaskView } from './task.schemas.js';
import { createTask, returnToPool } from './task.service.js';
import type { CreateTaskInput } from './task.schemas.js';
import { assertInWarehouse, assertUserInWarehouse } from '../shared/scope.js';
import { moveTask } from './task-status.js';
import type { AppUserRow } from '../identity/entities/app-user.entity.js';
import type { IdRow } from '../shared/rows.js';

function assertVisible(actor: Actor, row: TaskRow): void {
  if (!canSeeWarehouse(actor, row.warehouse_id)) throw new NotFound('Task', row.id);
}

function assertOpenOrActive(row: TaskRow): void {
  if (row.status === 'done' || row.status === 'cancelled')
    throw new Conflict(`Task ${row.id} is ${row.status}`, 'task-closed', { taskStatus: row.status });
}

/**
 * Moves a task to a named person (it waits in the pool reserved for them; their next claim takes it
 * first) or, with null, back to everyone. A task someone holds is taken off them first.
 */
export async function reassignTask(em: EntityManager, actor: Actor, taskId: string, userId: string | null): Promise<TaskView> {
  let row = await lockTask(em, taskId);
  assertVisible(actor, row);
  assertOpenOrActive(row);
  if (userId) {
    const u = await sqlOne<Pick<AppUserRow, 'warehouse_ids' | 'roles' | 'active'>>(
      em,
      'select warehouse_ids, roles, active from app_user where id = ?',
      [userId],
    );
    if (!u || !u.active || (!u.roles.includes('admin') && !u.warehouse_ids.includes(row.warehouse_id)))
      throw new BadRequest(`User ${userId} does not work in this warehouse`, [
        { path: 'body.userId', message: 'not a worker of this warehouse' },
      ]);
    if (!u.roles.includes('admin') && !u.roles.some((r) => row.roles.includes(r)))
      throw new BadRequest(`User ${userId} has none of the roles ${row.roles.join(', ')}`, [
        { path: 'body.userId', message: 'lacks the role' },
      ]);
  }
  const previous = row.assignee_id;
  if (row.status === 'claimed' || row.status === 'in_progress') row = await returnToPool(em, row, 'reassigned', actor.id);
  const upd = (await sqlOne<TaskRow>(
    em,
    `update task set reserved_for = ?, version = version + 1, updated_at = now() where id = ? returning ${TASK_COLUMNS}`,
    [userId, taskId],
  ))!;
  await emit(em, {
    type: 'task.reassigned',
    warehouseId: upd.warehouse_id,
    rooms: taskRooms(upd, previous, userId),
    actorId: actor.id,
    payload: { ...taskRef(upd), previousAssigneeId: previous, reservedFor: userId },
  });
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'task.reassigned',
    objectType: 'task',
    objectId: taskId,
    warehouseId: upd.warehouse_id,
    details: { previous, userId },
  });
  return taskWithLines(em, upd);
}

/** Changes a task's priority (0..1000); the pool order follows at the next claim. */
export async function reprioritiseTask(em: EntityManager, actor: Actor, taskId: string, priority: number): Promise<TaskView> {
  const row = await lockTask(em, taskId);
  assertVisible(actor, row);
  assertOpenOrActive(row);
  const upd = (await sqlOne<TaskRow>(
    em,
    `update task set priority = ?, version = version + 1, updated_at = now() where id = ? returning ${TASK_COLUMNS}`,
    [priority, taskId],
  ))!;
  await emit(em, {
    type: 'task.reprioritised',
    warehouseId: upd.warehouse_id,
    rooms: taskRooms(upd),
    actorId: actor.id,
    payload: { ...taskRef(upd), previousPriority: row.priority },
  });
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'task.reprioritised',
    objectType: 'task',
    objectId: taskId,
    warehouseId: upd.warehouse_id,
    details: { from: row.priority, to: priority },
  });
  return taskWithLines(em, upd);
}

/**
 * Cancels a task. Picked lines keep their stock in the tote (a putback is the supervisor's call);
 * open lines are cancelled. Returns the row so callers (wave cancel) can release reservations.
 */
export async function cancelTask(em: EntityManager, actor: Actor, taskId: string, reason: string): Promise<TaskView> {
  const row = await lockTask(em, taskId);
  assertVisible(actor, row);
  assertOpenOrActive(row);
  const upd = await moveTask(em, taskId, 'cancelled', {
    set: 'lease_expires_at = null, version = version + 1, updated_at = now(), completed_at = now()',
  });
  await sql(em, `update task_line set status = 'cancelled' where task_id = ? and status = 'open'`, [taskId]);
  await emit(em, {
    type: 'task.cancelled',
    warehouseId: upd.warehouse_id,
    rooms: taskRooms(upd, row.assignee_id),
    actorId: actor.id,
    payload: { ...taskRef(upd), reason },
  });
  await recordAudit(em, {
    actorType: actor.kind,
    actorId: actor.id,
    action: 'task.cancelled',
    objectType: 'task',
    objectId: taskId,
    warehouseId: upd.warehouse_id,
    details: { reason },
  });
  return taskWithLines(em, upd);
}

/**
 * Returns tasks whose lease ran out (a handheld that went quiet) to the pool. Takes the expired rows
 * with SKIP LOCKED so a holder's concurrent scan (which extends the lease) wins. Returns the ids.
 * The active tasks are read through task_one_active_uq (same predicate, one row per assignee at most): no index holds
 * the lease, so a scan's lease move can be a HOT update (migrations/Migration20261201010201_task_update_hot.ts).
 */
export async function releaseExpiredLeases(
  em: EntityManager,
  clock: Clock,
  opts: { limit?: number; warehouseId?: string } = {},
): Promise<string[]> {
  const rows = await sql<TaskRow>(
    em,
    `select ${TASK_COLUMNS} from task where status in ('claimed', 'in_progress') and lease_expires_at < ?
    and (?::uuid is null or warehouse_id = ?::uuid) order by lease_expires_at limit ? for update skip locked`,
    [clock.now().toISOString(), opts.warehouseId ?? null, opts.warehouseId ?? null, opts.limit ?? 500],
  );
  for (const r of rows) await returnToPool(em, r, 'lease_expired');
  return rows.map((r) => r.id);
}

const taskKeys = keyset(['uuid']);

/** Tasks of a warehouse, newest first, keyset-paginated (the opaque cursor holds the last id seen). */
export async function listTasks(
  em: EntityManager,
  actor: Actor,
  warehouseId: string,
  q: ListTasksQuery,
): Promise<{ items: TaskView[]; nextCursor: string | null }> {
  if (!canSeeWarehouse(actor, warehouseId)) throw new NotFound('Warehouse', warehouseId);
  const where = ['warehouse_id = ?'];
  const params: unknown[] = [warehouseId];
  const filters: [string, unknown][] = [
    ['status = ?', q.status],
    ['type = ?', q.type],
    ['wave_id = ?', q.waveId],
    ['assignee_id = ?', q.assigneeId],
  ];
  for (const [clause, value] of filters) {
    if (value === undefined) continue;
    where.push(clause);
    params.push(value);
  }
  const after = taskKeys.after(q.cursor);
  if (after) {
    where.push('(created_at, id) < (select created_at, id from task where id = ?::uuid)');
    params.push(after[0]);
  }
  const rows = await sql<TaskRow>(
    em,
    `select ${TASK_COLUMNS} from task where ${where.join(' and ')} order by created_at desc, id desc limit ?`,
    [...params, q.limit + 1],
  );
  const page = taskKeys.page(rows, q.limit, (r) => [r.id]);
  return { items: page.items.map((r) => toTaskView(r)), nextCursor: page.nextCursor };
}

/** Sets a worker's equipment and zones (the claim filters on them). */
/**
 * Sets a worker's equipment and zones. The worker must work in a warehouse the caller can see (else 404), and each
 * zone must be a zone of one of the worker's warehouses that the caller can see (else 404 naming the zone).
 */
export async function setWorkerProfile(
  em: EntityManager,
  actor: Actor,
  userId: string,
  equipment: string[],
  zoneIds: string[],
): Promise<void> {
  const user = await sqlOne<Pick<AppUserRow, 'warehouse_ids'>>(em, 'select warehouse_ids from app_user where id = ?', [userId]);
  const shared = (user?.warehouse_ids ?? []).filter((w) => canSeeWarehouse(actor, w));
  if (!user || shared.length === 0) throw new NotFound('User', userId);
  if (zoneIds.length) {
    const ok = await sql<IdRow>(em, 'select id::text as id from zone where id = any(?::uuid[]) and warehouse_id = any(?::uuid[])', [
      `{${zoneIds.join(',')}}`,
      `{${shared.join(',')}}`,
    ]);
    const missing = zoneIds.find((z) => !ok.some((r) => r.id === z));
    if (missing) throw new NotFound('Zone', missing);
  }
  await sql(
    em,
    `insert into worker_profile (user_id, equipment, zone_ids) values (?, ?::text[], ?::uuid[])
    on conflict (user_id) do update set equipment = excluded.equipment, zone_ids = excluded.zone_ids, updated_at = now()`,
    [userId, `{${equipment.map((e) => `"${e}"`).join(',')}}`, `{${zoneIds.join(',')}}`],
  );
}

export type { Clock };

/**
 * A supervisor's manual task: every id the body names (zone, locations, reserved-for user) must be of the task's
 * warehouse. Internal callers (waves, replenishment, putaway) pass server-resolved ids to createTask directly.
 */
export async function createTaskFor(em: EntityManager, actor: Actor, warehouseId: string, input: CreateTaskInput): Promise<TaskRow> {
  if (!canSeeWarehouse(actor, warehouseId)) throw new NotFound('Warehouse', warehouseId);
  await assertInWarehouse(em, warehouseId, [
    ['Zone', input.zoneId],
    ['Location', input.fromLocationId],
    ['Location', input.toLocationId],
  ]);
  if (input.reservedFor) await assertUserInWarehouse(em, warehouseId, input.reservedFor);
  return createTask(em, warehouseId, input, actor.id);
}
