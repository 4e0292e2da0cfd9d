import type { Processor } from 'bullmq';
import { parseDomainEvent } from '../domain/events/parse-event.js';
import { checkReplenishment, checkWaveDemand } from '../domain/slotting/replenishment.service.js';
import { withTx } from '../platform/db.js';
import { ignoredBy } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/**
 * Replenishment triggers (idempotent: the service raises at most one live task per face and SKU):
 * a pick or move out of a location → below-min check; a short pick → emergency; a released wave → demand.
 * Payloads are re-read against the event catalogue (a bad one is dead-lettered at once by the job guard).
 */
export const replenishmentProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const e = parseDomainEvent(job.data);
    if (e.type === 'stock.moved') {
      const p = e.payload;
      const locationId = p.from.locationId;
      if (!locationId || !['pick', 'move', 'pack'].includes(p.type)) return { skipped: p.type };
      // The relay does not queue these (queueDefs' ignore rules); a job queued before that rule still ends here.
      if (ignoredBy('replenishment', e)) return { skipped: 'face at or above min' };
      return {
        taskId: await withTx(rt.orm.em, (tx) =>
          checkReplenishment(tx, { warehouseId: e.warehouseId, locationId, skuId: p.skuId, reason: 'below_min' }),
        ),
      };
    }
    if (e.type === 'task.short_picked') {
      const p = e.payload;
      return {
        taskId: await withTx(rt.orm.em, (tx) =>
          checkReplenishment(tx, { warehouseId: e.warehouseId, locationId: p.locationId, skuId: p.skuId, reason: 'short_pick' }),
        ),
      };
    }
    if (e.type === 'wave.released') {
      const waveId = e.payload.waveId;
      return { taskIds: await withTx(rt.orm.em, (tx) => checkWaveDemand(tx, e.warehouseId, waveId)) };
    }
    return { skipped: e.type };
  };
