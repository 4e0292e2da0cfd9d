import type { Processor } from 'bullmq';
import { relayedEventSchema } from '../domain/events/catalogue.js';
import { checkReplenishment, checkWaveDemand } from '../domain/slotting/replenishment.service.js';
import { withTx } from '../platform/db.js';
import type { Runtime } from '../platform/runtime.js';

/**
 * Replenishment triggers (idempotent: the service raises at most one live task per face and SKU):
 * a pick or move out of a location → below-min check; a short pick → emergency; a released wave → demand.
 */
export const replenishmentProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const e = relayedEventSchema.parse(job.data);
    if (e.type === 'stock.moved') {
      const p = e.payload as { type: string; skuId: string; from: { locationId: string | null } };
      if (!p.from.locationId || !['pick', 'move', 'pack'].includes(p.type)) return { skipped: p.type };
      const locationId = p.from.locationId;
      return {
        taskId: await withTx(rt.orm.em, (tx) =>
          checkReplenishment(tx, { warehouseId: e.warehouseId, locationId, skuId: p.skuId, reason: 'below_min' }),
        ),
      };
    }
    if (e.type === 'task.short_picked') {
      const p = e.payload as { locationId: string; skuId: string };
      return {
        taskId: await withTx(rt.orm.em, (tx) =>
          checkReplenishment(tx, { warehouseId: e.warehouseId, locationId: p.locationId, skuId: p.skuId, reason: 'short_pick' }),
        ),
      };
    }
    if (e.type === 'wave.released') {
      const p = e.payload as { waveId: string };
      return { taskIds: await withTx(rt.orm.em, (tx) => checkWaveDemand(tx, e.warehouseId, p.waveId)) };
    }
    return { skipped: e.type };
  };
