import type { Processor } from 'bullmq';
import { systemClock } from '../domain/shared/clock.js';
import { releaseExpiredPackLeases } from '../domain/packing/pack-lease.js';
import { releaseExpiredLeases } from '../domain/tasks/task.supervisor.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/** How often abandoned tasks are looked for; a lease is TASK_LEASE_S, so a tick of a few seconds is plenty. */
export const TASK_TIMEOUT_TICK_MS = 5_000;

/** Registers the repeatable tick once per worker process (upsert: idempotent across processes) returns leased-out tasks to the pool and frees walked-away pack sessions. */
export const taskTimeoutsProcessor = (rt: Runtime): Processor => {
  void rt.queues
    .get('task-timeouts')
    .upsertJobScheduler('lease-sweep', { every: TASK_TIMEOUT_TICK_MS }, { name: 'tick', data: { kind: 'tick' } })
    .catch((err: unknown) => rt.logger.error({ err }, 'could not schedule the task lease sweep'));
  return async (job) => {
    queueDefs['task-timeouts'].payload.parse(job.data);
    const released = await withTx(rt.orm.em, (tx) => releaseExpiredLeases(tx, systemClock));
    if (released.length) rt.logger.info({ released: released.length }, 'abandoned tasks returned to the pool');
    const packs = await withTx(rt.orm.em, (tx) => releaseExpiredPackLeases(tx));
    if (packs.length) rt.logger.info({ released: packs.length }, 'abandoned pack sessions free for any packer');
    return { released: released.length, packSessions: packs.length };
  };
};
