import type { Processor } from 'bullmq';
import { processDelivery } from '../domain/orders/intake.service.js';
import { sql } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/** Imports one stored storefront delivery (idempotent: the delivery row's status makes a re-run a no-op). */
export const webhookIntakeProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const { deliveryId } = queueDefs['webhook-intake'].payload.parse(job.data);
    const r = await withTx(rt.orm.em, (tx) => processDelivery(tx, deliveryId)).catch(async (err: unknown) => {
      // Count the failed attempt in Postgres (the sweep stops re-enqueueing a delivery past JOB_MAX_ATTEMPTS).
      await sql(rt.orm.em.fork(), `update webhook_delivery set attempts = attempts + 1, error = ? where id = ? and status = 'received'`, [
        (err instanceof Error ? err.message : String(err)).slice(0, 2000),
        deliveryId,
      ]).catch(() => undefined);
      throw err;
    });
    if (r.status === 'failed') rt.logger.warn({ deliveryId }, 'delivery was not an order; dead-lettered');
    return r;
  };
