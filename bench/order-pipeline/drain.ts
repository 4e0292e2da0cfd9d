import { systemClock } from '../../domain/shared/clock.js';
import { sqlOne } from '../../domain/shared/sql.js';
import type { Orm } from '../../platform/db.js';
import { IntakeBatcher } from '../../workers/intake-batcher.js';

export type WaitingCountRow = { n: number };

/** Deliveries stored and not yet imported. */
export async function waitingDeliveries(orm: Orm): Promise<number> {
  return (await sqlOne<WaitingCountRow>(orm.em.fork(), `select count(*)::int as n from webhook_delivery where status = 'received'`))!.n;
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
