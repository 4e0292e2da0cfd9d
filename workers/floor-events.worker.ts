import type { Processor } from 'bullmq';
import { relayedEventSchema } from '../domain/events/catalogue.js';
import { dropCancelledOrder, raisePutback } from '../domain/picking/putback.service.js';
import { withTx } from '../platform/db.js';
import type { Runtime } from '../platform/runtime.js';

/** Order cancellations reaching the floor: open picks are dropped; picked goods get a put-back task (idempotent). */
export const floorEventsProcessor = (rt: Runtime): Processor => async (job) => {
  const e = relayedEventSchema.parse(job.data);
  const orderId = (e.payload as { orderId: string }).orderId;
  if (e.type === 'order.cancelled') return { droppedLines: await withTx(rt.orm.em, (tx) => dropCancelledOrder(tx, e.warehouseId, orderId)) };
  if (e.type === 'order.putback_requested') return { putbackTaskId: await withTx(rt.orm.em, (tx) => raisePutback(tx, e.warehouseId, orderId)) };
  return { skipped: e.type };
};
