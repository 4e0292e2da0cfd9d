import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import type { Clock } from '../shared/clock.js';
import { Conflict, Forbidden, NotFound } from '../shared/errors.js';
import { ROLES, canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne, sqlPrepared, sqlPreparedOne } from '../shared/sql.js';
import {
  LINE_VIEW_COLUMNS,
  TASK_COLUMNS,
  findTask,
  lockTask,
  taskRef,
  taskRooms,
  taskWithLines,
  toLineView,
  toTaskView,
  type TaskRow,
} from './task.repo.js';
import { eventSchemas } from '../events/catalogue.js';
import { taskLifecycle } from './task.lifecycle.js';
import { pgArray } from '../shared/sql.js';
import { DEFAULT_TASK_ROLES, type ClaimInput, type CreateTaskInput, type TaskView } from './task.schemas.js';
import { moveTask } from './task-status.js';
import type { LocationRow } from '../layout/entities/location.entity.js';

/**
 * Claim scoring (one SQL expression, explainable on the supervisor board):
 *   score = priority + min(ageS / 60, 30) - min(distanceMm / 5000, 20)  (+10000 when reserved for the claimer)
 * Priority dominates; a task that has waited gains a point a minute (nothing starves); a task 5 m
 * closer to where the worker last was gains a point (interleaving: a receiver finishing a putaway
 * takes the replenishment next to it rather than one across the building of equal urgency).
 */
export const CLAIM_SCORE_DOC = 'priority + min(ageS/60, 30) - min(distanceMm/5000, 20)';

export interface TaskEngineOptions {
  leaseS: number;
}

/** Creates a task in the pool (status open) and announces it. */
export async function createTask(em: EntityManager, warehouseId: string, input: CreateTaskInput, actorId?: string): Promise<TaskRow> {
  return (await createTasks(em, warehouseId, [input], actorId))[0]!;
}

/**
 * Creates tasks in the pool (status open) and announces them, in input order: one insert and one outbox write
 * however many there are (a wave release creates hundreds inside its transaction, and a round trip each held the
 * wave's orders locked that much longer).
 */
export async function createTasks(
  em: EntityManager,
  warehouseId: string,
  inputs: readonly CreateTaskInput[],
  actorId?: string,
): Promise<TaskRow[]> {
  if (inputs.length === 0) return [];
  const placeOf = new Map<string, Pick<LocationRow, 'id' | 'x_mm' | 'y_mm'>>();
  // A task with a source location and no coordinates stands where its source does.
  const placeFrom = (i: CreateTaskInput) => ((i.xMm ?? null) === null ? i.fromLocationId : undefined);
  const unplaced = [...new Set(inputs.map(placeFrom).filter((id): id is string => !!id))];
  if (unplaced.length) {
    const locs = await sql<Pick<LocationRow, 'id' | 'x_mm' | 'y_mm'>>(
      em,
      'select id, x_mm, y_mm from location where id = any(?::uuid[]) and warehouse_id = ?',
      [pgArray(unplaced), warehouseId],
    );
    for (const l of locs) placeOf.set(l.id, l);
    const missing = unplaced.find((id) => !placeOf.has(id));
    if (missing) throw new NotFound('Location', missing);
  }
  const records = inputs.map((input) => {
    const from = placeFrom(input);
    const place = from ? placeOf.get(from) : undefined;
    return {
      id: randomUUID(),
      type: input.type,
      priority: input.priority ?? 50,
      roles: pgArray(input.roles ?? DEFAULT_TASK_ROLES[input.type]),
      equipment: input.equipment ?? null,
      zone_id: input.zoneId ?? null,
      wave_id: input.waveId ?? null,
      order_id: input.orderId ?? null,
      reserved_for: input.reservedFor ?? null,
      due_at: input.dueAt ?? null,
      from_location_id: input.fromLocationId ?? null,
      to_location_id: input.toLocationId ?? null,
      sku_id: input.skuId ?? null,
      lot: input.lot ?? null,
      qty: input.qty ?? 0,
      x_mm: place ? place.x_mm : (input.xMm ?? null),
      y_mm: place ? place.y_mm : (input.yMm ?? null),
      ref_type: input.refType ?? null,
      ref_id: input.refId ?? null,
      details: input.details ?? {},
    };
  });
  const rows = await sqlPrepared<TaskRow>(
    em,
    `insert into task (id, warehouse_id, type, priority, roles, equipment, zone_id, wave_id, order_id, reserved_for, due_at,
      from_location_id, to_location_id, sku_id, lot, qty, x_mm, y_mm, ref_type, ref_id, details)
    select x.id, ?, x.type, x.priority, x.roles::text[], x.equipment, x.zone_id, x.wave_id, x.order_id, x.reserved_for, x.due_at,
      x.from_location_id, x.to_location_id, x.sku_id, x.lot, x.qty, x.x_mm, x.y_mm, x.ref_type, x.ref_id, x.details
    from jsonb_to_recordset(?::jsonb) as x(id uuid, type text, priority int, roles text, equipment text, zone_id uuid, wave_id uuid,
      order_id uuid, reserved_for uuid, due_at timestamptz, from_location_id uuid, to_location_id uuid, sku_id uuid, lot text,
      qty int, x_mm int, y_mm int, ref_type text, ref_id text, details jsonb)
    returning ${TASK_COLUMNS}`,
    [warehouseId, JSON.stringify(records)],
  );
  // RETURNING promises no order: the ids given above put the rows back in the callers'.
  const byId = new Map(rows.map((r) => [r.id, r]));
  const created = records.map((r) => byId.get(r.id)!);
  await emit(
    em,
    ...created.map((row, i) => ({
      type: 'task.created' as const,
      warehouseId,
      payload: {
        ...taskRef(row, inputs[i]!.orderIds),
        zoneId: row.zone_id,
        ...(inputs[i]!.lineCount !== undefined ? { lineCount: inputs[i]!.lineCount } : {}),
      },
      rooms: taskRooms(row, row.reserved_for),
      actorId,
    })),
  );
  return created;
}

/** What the claim statement answers: the task handed out (fresh: claimed just now), its lines, the claim event as written. */
export type ClaimRow = TaskRow & { fresh: boolean; lines: Record<string, unknown>[] | null; event: unknown };

/**
 * claimNext's one statement: locks (creating when missing) the claimer's profile row and reads what the claim scores
 * with, finds the held task or takes the best open one, writes `task.claimed` and reads the lines.
 */
export const CLAIM_SQL = `
    with prof as (
      insert into worker_profile (user_id) values (?) on conflict (user_id) do update set updated_at = excluded.updated_at
      returning equipment, zone_ids, last_x_mm, last_y_mm),
    cur as (select ${TASK_COLUMNS} from task where assignee_id = ? and status in ('claimed', 'in_progress')),
    pick as (
      select t.id from task t, prof
      where not exists (select 1 from cur) and t.warehouse_id = ? and t.status = 'open'
        and (t.reserved_for is null or t.reserved_for = ?)
        and t.roles && ?::text[]
        and (t.equipment is null or t.equipment = any(prof.equipment))
        and (cardinality(coalesce(?::uuid[], prof.zone_ids)) = 0 or t.zone_id is null or t.zone_id = any(coalesce(?::uuid[], prof.zone_ids)))
        and (?::text[] is null or t.type = any(?::text[]))
      order by
        (case when t.reserved_for = ? then 10000 else 0 end)
        + t.priority
        + least(extract(epoch from (?::timestamptz - t.created_at)) / 60.0, 30)
        - (case when prof.last_x_mm is null or t.x_mm is null then 0
                else least((abs(t.x_mm - prof.last_x_mm) + abs(t.y_mm - prof.last_y_mm)) / 5000.0, 20) end) desc,
        t.due_at asc nulls last, t.created_at, t.id
      limit 1
      for update of t skip locked),
    claimed as (
      update task set status = 'claimed', assignee_id = ?, device_id = ?, lease_expires_at = ?, claimed_at = ?,
        claim_count = claim_count + 1, version = version + 1, updated_at = ?
      where id = (select id from pick) and ${taskLifecycle.fromSql('claimed')}
      returning ${TASK_COLUMNS}),
    ev as (
      insert into outbox (warehouse_id, type, rooms, payload, actor_id)
      select c.warehouse_id, 'task.claimed', array['task:' || c.id, 'user:' || c.assignee_id],
        jsonb_build_object('taskId', c.id, 'type', c.type, 'status', c.status, 'priority', c.priority, 'assigneeId', c.assignee_id,
          'waveId', c.wave_id, 'leaseExpiresAt', ?::text, 'deviceId', c.device_id)
          || case when c.order_id is null then '{}'::jsonb else jsonb_build_object('orderIds', jsonb_build_array(c.order_id)) end,
        ?
      from claimed c returning payload),
    chosen as (select true as fresh, * from claimed union all select false, * from cur)
    select c.*, (select payload from ev) as event,
      (select json_agg(x order by x.seq) from (
        select ${LINE_VIEW_COLUMNS} from task_line l join sku s on s.id = l.sku_id join location loc on loc.id = l.location_id
        where l.task_id = c.id) x where c.type in ('pick', 'putback')) as lines
    from chosen c`;

/**
 * Hands the caller the best open task they may do, or their current one if they already hold one.
 * Never gives one task to two people: the candidate row is taken with FOR UPDATE SKIP LOCKED, and a
 * unique index allows one active task per person.
 *
 * One statement (issue 19: a handheld claims hundreds of times a shift): it locks the worker's profile row (creating
 * it) and reads what the score needs from it, finds the held task or takes the best open one through the task
 * lifecycle's guarded move, writes `task.claimed` to the outbox and reads the lines. Sent outside a transaction it is
 * one round trip and commits on its own. Two claims by the same person at once (a retried request): the later one
 * waits on the profile row, but its snapshot predates the first's commit, so it takes another task and the
 * one-active-task index refuses it; sent again it finds the held task and returns it. Inside a caller's transaction
 * that refusal is the caller's error.
 */
export async function claimNext(
  em: EntityManager,
  actor: Actor,
  input: ClaimInput,
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView | null> {
  if (actor.kind !== 'user') throw new Forbidden('Only people claim tasks');
  if (!canSeeWarehouse(actor, input.warehouseId)) throw new NotFound('Warehouse', input.warehouseId);
  const now = clock.now();
  const lease = new Date(now.getTime() + opts.leaseS * 1000).toISOString();
  const roles = actor.roles.includes('admin') ? [...ROLES] : actor.roles;
  const zones = input.zoneIds ? pgArray(input.zoneIds) : null;
  const params = [
    actor.id,
    actor.id,
    input.warehouseId,
    actor.id,
    pgArray(roles),
    zones,
    zones,
    input.types ? pgArray(input.types) : null,
    input.types ? pgArray(input.types) : null,
    actor.id,
    now.toISOString(),
    actor.id,
    input.deviceId ?? actor.deviceId ?? null,
    lease,
    now.toISOString(),
    now.toISOString(),
    lease,
    actor.id,
  ];
  let row: ClaimRow | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      row = await sqlPreparedOne<ClaimRow>(em, CLAIM_SQL, params);
      break;
    } catch (err) {
      // The same person claiming twice at once (a retried request): the second statement's snapshot predates the
      // first's commit, so it takes another task and the one-active-task index refuses it. Again, it finds the held one.
      if (attempt >= 3 || em.isInTransaction() || !(err instanceof UniqueConstraintViolationException)) throw err;
      if (!String((err as { constraint?: string }).constraint ?? err.message).includes('task_one_active_uq')) throw err;
    }
  }
  if (!row) return null;
  const { fresh, lines, event, ...task } = row;
  if (!fresh && task.warehouse_id !== input.warehouseId)
    throw new Conflict('You already hold a task in another warehouse; finish or release it first', 'task-already-held', {
      taskId: task.id,
    });
  // The event was built in SQL from the claimed row: checked against the catalogue before the commit, as emit() does.
  if (fresh) eventSchemas['task.claimed'].parse(event);
  return toTaskView(task, task.type === 'pick' || task.type === 'putback' ? (lines ?? []).map(toLineView) : undefined);
}

/**
 * Gives an open task the caller has locked (FOR UPDATE) to the actor: lease, claim count, task.claimed.
 * Used by claimNext and by claims of one named task (a putaway found by scanning its pallet or item).
 */
export async function takeClaim(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  deviceId: string | undefined,
  now: Date,
  opts: TaskEngineOptions,
): Promise<TaskRow> {
  const lease = new Date(now.getTime() + opts.leaseS * 1000);
  const row = await moveTask(em, taskId, 'claimed', {
    set: `assignee_id = ?, device_id = ?, lease_expires_at = ?, claimed_at = ?, claim_count = claim_count + 1, version = version + 1, updated_at = ?`,
    setParams: [actor.id, deviceId ?? actor.deviceId ?? null, lease.toISOString(), now.toISOString(), now.toISOString()],
    event: (r) => ({
      type: 'task.claimed',
      warehouseId: r.warehouse_id,
      rooms: taskRooms(r),
      actorId: actor.id,
      payload: { ...taskRef(r), leaseExpiresAt: lease.toISOString(), deviceId: r.device_id },
    }),
  });
  return row;
}

/** Locks a task the actor holds, extending its lease (any action by the holder proves the device is alive). */
export async function lockHeldTask(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  clock: Clock,
  opts: TaskEngineOptions,
  locked?: TaskRow,
): Promise<TaskRow> {
  const row = locked ?? (await lockTask(em, taskId));
  if (!canSeeWarehouse(actor, row.warehouse_id)) throw new NotFound('Task', taskId);
  if (row.status !== 'claimed' && row.status !== 'in_progress')
    throw new Conflict(`Task ${taskId} is ${row.status}`, 'task-not-active', { taskStatus: row.status });
  if (row.assignee_id !== actor.id) throw new Conflict(`Task ${taskId} is held by someone else`, 'task-not-yours');
  const lease = new Date(clock.now().getTime() + opts.leaseS * 1000).toISOString();
  await sql(em, 'update task set lease_expires_at = ? where id = ?', [lease, taskId]);
  row.lease_expires_at = lease;
  return row;
}

/** Keeps a claim alive while the holder works on it without scanning. */
export async function heartbeat(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<{ leaseExpiresAt: string }> {
  const row = await lockHeldTask(em, actor, taskId, clock, opts);
  return { leaseExpiresAt: new Date(row.lease_expires_at!).toISOString() };
}

/** First action on a claimed task moves it to in_progress (the board tells walking from working). */
export async function markStarted(em: EntityManager, row: TaskRow, actorId: string, orderIds?: string[]): Promise<void> {
  if (row.status !== 'claimed') return;
  await moveTask(em, row.id, 'in_progress', {
    set: 'version = version + 1, updated_at = now()',
    event: () => ({
      type: 'task.started',
      warehouseId: row.warehouse_id,
      payload: taskRef({ ...row, status: 'in_progress' }, orderIds),
      rooms: taskRooms(row),
      actorId,
    }),
  });
  row.status = 'in_progress';
}

/** Remembers where the worker last worked, for the proximity term of the next claim. */
export async function recordPosition(em: EntityManager, userId: string, locationId: string | null): Promise<void> {
  if (!locationId) return;
  await sql(
    em,
    `update worker_profile p set last_x_mm = l.x_mm, last_y_mm = l.y_mm, updated_at = now() from location l where p.user_id = ? and l.id = ?`,
    [userId, locationId],
  );
}

/** Marks a task done (status, qty, time) and announces it. The caller has locked it. */
export async function finishTask(em: EntityManager, row: TaskRow, actorId: string, qtyDone: number, orderIds?: string[]): Promise<TaskRow> {
  // The holder stays on the row as who did it; the cleared lease takes it out of the active set.
  return moveTask(em, row.id, 'done', {
    set: 'qty_done = ?, lease_expires_at = null, completed_at = now(), version = version + 1, updated_at = now()',
    setParams: [Math.min(qtyDone, row.qty)],
    event: (done) => ({
      type: 'task.completed',
      warehouseId: row.warehouse_id,
      payload: { ...taskRef(done, orderIds), qtyDone: done.qty_done },
      rooms: taskRooms(done),
      actorId,
    }),
  });
}
export type CompleteTaskRow = { open: number };

/** Completes a non-pick task held by the actor (putaway, replenish, count, load, putback without lines, pack). */
export async function completeTask(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  qtyDone: number | undefined,
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const row = await lockHeldTask(em, actor, taskId, clock, opts);
  const lines = await sqlOne<CompleteTaskRow>(em, `select count(*)::int as open from task_line where task_id = ? and status = 'open'`, [
    taskId,
  ]);
  if (lines && lines.open > 0) throw new Conflict(`Task ${taskId} still has ${lines.open} open lines`, 'task-lines-open');
  await recordPosition(em, actor.id, row.to_location_id ?? row.from_location_id);
  const done = await finishTask(em, row, actor.id, qtyDone ?? row.qty);
  return taskWithLines(em, done);
}

/** The holder gives a task back to the pool (going on break, wrong equipment). */
export async function releaseTask(
  em: EntityManager,
  actor: Actor,
  taskId: string,
  clock: Clock,
  opts: TaskEngineOptions,
): Promise<TaskView> {
  const row = await lockHeldTask(em, actor, taskId, clock, opts);
  return taskWithLines(em, await returnToPool(em, row, 'released_by_user', actor.id));
}

/** Puts an active task back in the pool; picked lines stay picked, the next claimer carries on. */
export async function returnToPool(
  em: EntityManager,
  row: TaskRow,
  reason: 'lease_expired' | 'released_by_user' | 'reassigned',
  actorId?: string,
): Promise<TaskRow> {
  return moveTask(em, row.id, 'open', {
    set: 'assignee_id = null, device_id = null, lease_expires_at = null, version = version + 1, updated_at = now()',
    event: (back) => ({
      type: 'task.released',
      warehouseId: row.warehouse_id,
      rooms: taskRooms(row),
      actorId,
      payload: { ...taskRef(back), reason, previousAssigneeId: row.assignee_id },
    }),
  });
}

/** Records an exception on a task (damaged location, wrong item) and alerts the supervisor board. */
export async function raiseException(em: EntityManager, actor: Actor, taskId: string, code: string, detail: string): Promise<TaskView> {
  const row = await lockTask(em, taskId);
  if (!canSeeWarehouse(actor, row.warehouse_id)) throw new NotFound('Task', taskId);
  const upd = (await sqlOne<TaskRow>(
    em,
    `update task set exception = ?::jsonb, version = version + 1, updated_at = now() where id = ? returning ${TASK_COLUMNS}`,
    [JSON.stringify({ code, detail, by: actor.id, at: new Date().toISOString() }), taskId],
  ))!;
  await emit(em, {
    type: 'task.exception_raised',
    warehouseId: row.warehouse_id,
    payload: { ...taskRef(upd), code, detail },
    rooms: taskRooms(upd),
    actorId: actor.id,
  });
  return taskWithLines(em, upd);
}

/** A task the actor may see (404 otherwise). */
export async function getTask(em: EntityManager, actor: Actor, taskId: string): Promise<TaskView> {
  const row = await findTask(em, taskId);
  if (!row || !canSeeWarehouse(actor, row.warehouse_id)) throw new NotFound('Task', taskId);
  return taskWithLines(em, row);
}
