import type { Processor } from 'bullmq';
import { parseDomainEvent } from '../domain/events/parse-event.js';
import { dropCancelledOrder, raisePutback } from '../domain/picking/putback.service.js';
import { settleWave } from '../domain/picking/wave-progress.js';
import { sqlOne } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import type { Runtime } from '../platform/runtime.js';
import type { ShipmentRow } from '../domain/shipping/entities/shipment.entity.js';

/** Order cancellations reaching the floor (open picks dropped, put-back raised) and wave progress after tasks and packs (idempotent). */
export const floorEventsProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const e = parseDomainEvent(job.data);
    const orderId = (e.payload as { orderId: string }).orderId;
    if (e.type === 'order.cancelled')
      return { droppedLines: await withTx(rt.orm.em, (tx) => dropCancelledOrder(tx, e.warehouseId, orderId)) };
    if (e.type === 'task.completed' || e.type === 'shipment.packed') {
      const p = e.payload as { waveId?: string | null; shipmentId?: string };
      const waveId =
        p.waveId ??
        (p.shipmentId
          ? (await sqlOne<Pick<ShipmentRow, 'wave_id'>>(rt.orm.em.fork(), 'select wave_id from shipment where id = ?', [p.shipmentId]))
              ?.wave_id
          : null);
      return { wave: waveId ? await withTx(rt.orm.em, (tx) => settleWave(tx, waveId)) : null };
    }
    if (e.type === 'order.putback_requested')
      return { putbackTaskId: await withTx(rt.orm.em, (tx) => raisePutback(tx, e.warehouseId, orderId)) };
    return { skipped: e.type };
  };
