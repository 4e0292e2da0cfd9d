import type { Processor } from 'bullmq';
import { processDelivery } from '../domain/orders/intake.service.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/** Imports one stored storefront delivery (idempotent: the delivery row's status makes a re-run a no-op). */
export const webhookIntakeProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const { deliveryId } = queueDefs['webhook-intake'].payload.parse(job.data);
    const r = await withTx(rt.orm.em, (tx) => processDelivery(tx, deliveryId));
    if (r.status === 'failed') rt.logger.warn({ deliveryId }, 'delivery was not an order; dead-lettered');
    return r;
  };
