import type { EntityManager } from '@mikro-orm/postgresql';
import { emit, type EmitInput } from '../events/outbox.js';
import type { DomainEventType } from '../events/catalogue.js';
import { IllegalTransition } from '../shared/lifecycle.js';
import { sqlOne } from '../shared/sql.js';
import { taskLifecycle, type TaskStatus } from './task.lifecycle.js';
import { TASK_COLUMNS, type TaskRow } from './task.repo.js';

/**
 * The one way `task.status` changes (claim, start, finish, back to the pool, cancel — from tasks, picking and
 * put-back): the write carries the task lifecycle's guard (`task.lifecycle.ts`) and emits the move's event built from the moved row. A move the table refuses is a 409
 * `illegal-transition`.
 */
export async function moveTask(
  em: EntityManager,
  taskId: string,
  to: TaskStatus,
  m: { set?: string; setParams?: unknown[]; event?: (moved: TaskRow) => EmitInput<DomainEventType> } = {},
): Promise<TaskRow> {
  const moved = await sqlOne<TaskRow>(
    em,
    `update task set status = ?${m.set ? `, ${m.set}` : ''}
    where id = ? and ${taskLifecycle.fromSql(to)} returning ${TASK_COLUMNS}`,
    [to, ...(m.setParams ?? []), taskId],
  );
  if (!moved) {
    const cur = await sqlOne<Pick<TaskRow, 'status'>>(em, 'select status from task where id = ?', [taskId]);
    throw new IllegalTransition(taskLifecycle.name, cur?.status ?? 'missing', to, taskId);
  }
  if (m.event) await emit(em, m.event(moved));
  return moved;
}
