import type { Processor } from 'bullmq';
import { parseDomainEvent } from '../domain/events/parse-event.js';
import { proposeReslot } from '../domain/slotting/reslot.service.js';
import { runVelocity, warehousesDueForVelocity } from '../domain/slotting/velocity.service.js';
import { systemClock } from '../domain/shared/clock.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/** When the nightly velocity run starts (UTC): after the evening waves, before the morning shift. */
export const SLOTTING_NIGHTLY_CRON = '30 2 * * *';

/**
 * Slotting (idempotent):
 * - the nightly tick computes the velocity of every warehouse not computed in the last 20 hours (a retried or
 *   doubled tick finds them fresh and does nothing), each in its own transaction, which emits
 *   `slotting.velocity_computed`;
 * - that event computes the warehouse's re-slotting proposals from the new figures (a redelivery makes a newer
 *   run that supersedes the unapproved one; the job guard also skips an event already consumed).
 * The tick is a scheduled job (workers/schedules.ts), so the reconciler rebuilds it when Redis loses it.
 */
export const slottingProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const data = job.data as { kind?: string };
    if (data.kind === 'nightly') {
      queueDefs.slotting.payload.parse(job.data);
      const due = await warehousesDueForVelocity(rt.orm.em.fork(), systemClock);
      const runs = [];
      for (const warehouseId of due) runs.push(await withTx(rt.orm.em, (tx) => runVelocity(tx, warehouseId, systemClock)));
      return { warehouses: runs.length, runIds: runs.map((r) => r.runId) };
    }
    const e = parseDomainEvent(job.data);
    if (e.type === 'slotting.velocity_computed') {
      const windowDays = e.payload.windowDays;
      const r = await withTx(rt.orm.em, (tx) => proposeReslot(tx, e.warehouseId, { windowDays }));
      return { reslotRunId: r.runId, proposals: r.proposals };
    }
    return { skipped: e.type };
  };
