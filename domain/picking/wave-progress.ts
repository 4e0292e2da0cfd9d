/** A released wave moving on: settled to picked and completed as its work is done, or cancelled. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Conflict, NotFound } from '../shared/errors.js';
import { type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { cancelTask } from '../tasks/task.supervisor.js';
import type { WaveView } from './wave.schemas.js';
import { moveOrders } from '../orders/order-status.js';
import { moveWave } from './wave.lifecycle.js';
import type { WaveOrderRow } from './entities/wave-order.entity.js';
import type { TaskRow } from '../tasks/entities/task.entity.js';
import type { WaveRow as WaveTableRow } from './entities/wave.entity.js';
import { assertWh, getWave, type WaveRow } from './wave-views.js';

export type CancelWaveRow = { n: number };

/** Cancels a wave: open pick tasks are cancelled, untouched orders go back to allocated (their reservations stay). */
export async function cancelWave(em: EntityManager, actor: Actor, waveId: string, reason: string): Promise<WaveView> {
  const wave = await sqlOne<WaveRow>(em, 'select * from wave where id = ? for update', [waveId]);
  if (!wave) throw new NotFound('Wave', waveId);
  assertWh(actor, wave.warehouse_id, 'Wave', waveId);
  if (wave.status !== 'planned' && wave.status !== 'released') throw new Conflict(`Wave ${waveId} is ${wave.status}`, 'wave-closed');
  const started = await sqlOne<CancelWaveRow>(
    em,
    `select count(*)::int as n from task_line l join task t on t.id = l.task_id where t.wave_id = ? and l.qty_picked > 0`,
    [waveId],
  );
  if (started && started.n > 0) throw new Conflict(`Wave ${waveId} has picked lines; cancel its tasks one by one instead`, 'wave-started');
  for (const t of await sql<Pick<TaskRow, 'id'>>(
    em,
    `select id from task where wave_id = ? and status in ('open', 'claimed', 'in_progress')`,
    [waveId],
  ))
    await cancelTask(em, actor, t.id, `wave cancelled: ${reason}`);
  const orders = await sql<Pick<WaveOrderRow, 'order_id'>>(
    em,
    `update wave_order set status = 'removed' where wave_id = ? and status in ('planned', 'released') returning order_id`,
    [waveId],
  );
  await moveOrders(
    em,
    orders.map((o) => o.order_id),
    'allocated',
    { from: ['released'] },
  );
  await moveWave(em, wave, 'cancelled', {
    set: 'completed_at = now()',
    events: [{ type: 'wave.cancelled', warehouseId: wave.warehouse_id, actorId: actor.id, payload: { waveId, reason } }],
  });
  return getWave(em, actor, waveId);
}

/**
 * Moves a wave on once its work is done: released → picked when no pick task is open, → completed when
 * every order is packed (or removed). Runs in its own short transaction after the task/pack commits
 * (the wave row lock is the only lock taken, so it cannot deadlock with floor work); the status
 * predicates make it idempotent. Returns the new status, or null when nothing changed.
 */
export async function settleWave(em: EntityManager, waveId: string): Promise<string | null> {
  const w = await sqlOne<Pick<WaveTableRow, 'warehouse_id' | 'status'>>(
    em,
    'select warehouse_id, status from wave where id = ? for update',
    [waveId],
  );
  if (!w || (w.status !== 'released' && w.status !== 'picked')) return null;
  let status: string | null = null;
  if (
    w.status === 'released' &&
    !(await sqlOne(em, `select 1 from task where wave_id = ? and type = 'pick' and status in ('open', 'claimed', 'in_progress') limit 1`, [
      waveId,
    ]))
  ) {
    await moveWave(em, { id: waveId, status: w.status }, 'picked', {
      events: [{ type: 'wave.picked', warehouseId: w.warehouse_id, payload: { waveId } }],
    });
    status = 'picked';
  }
  if (
    !(await sqlOne(em, `select 1 from wave_order where wave_id = ? and status not in ('packed', 'removed') limit 1`, [waveId])) &&
    (status === 'picked' || w.status === 'picked')
  ) {
    await moveWave(em, { id: waveId, status: status ?? w.status }, 'completed', {
      set: 'completed_at = now()',
      events: [{ type: 'wave.completed', warehouseId: w.warehouse_id, payload: { waveId } }],
    });
    status = 'completed';
  }
  return status;
}
