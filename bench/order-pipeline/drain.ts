import { systemClock } from '../../domain/shared/clock.js';
import { sqlOne } from '../../domain/shared/sql.js';
import type { Orm } from '../../platform/db.js';
import { IntakeBatcher } from '../../workers/intake-batcher.js';

export type WaitingRow = { waiting: boolean };

/** Whether any stored delivery is not imported yet (an EXISTS: polling a count of a large backlog would load the server). */
export async function anyWaiting(orm: Orm): Promise<boolean> {
  return (await sqlOne<WaitingRow>(orm.em.fork(), `select exists (select 1 from webhook_delivery where status = 'received') as waiting`))!
    .waiting;
}

/**
 * Runs the worker's batch-intake loops (the production code path, `IntakeBatcher`) until `done()` resolves true,
 * checked every 20 ms; returns the batcher's loops stopped.
 */
export async function drainBatches(orm: Orm, o: { workers: number; batchSize: number; done: () => Promise<boolean> }): Promise<void> {
  const b = new IntakeBatcher(orm, undefined, { batchSize: o.batchSize, loops: o.workers, idleMs: 10, clock: systemClock });
  b.start();
  while (!(await o.done())) await new Promise((r) => setTimeout(r, 20));
  await b.stop();
}
