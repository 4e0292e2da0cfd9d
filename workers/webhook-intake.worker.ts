import type { Processor } from 'bullmq';
import { processDeliveryBatch } from '../domain/orders/batch-intake.service.js';
import { systemClock } from '../domain/shared/clock.js';
import { sqlOne } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import type { WebhookDeliveryRow } from '../domain/orders/entities/webhook-delivery.entity.js';
import { importOne } from './intake-batcher.js';

/**
 * Imports a batch of stored storefront deliveries that includes the one the job names (idempotent: the delivery
 * row's status makes a re-run a no-op). The webhook edge enqueues one job per INTAKE_BATCH_SIZE deliveries it
 * stored, naming the first: the job takes the deliveries waiting beside its own in one batch
 * (`processDeliveryBatch`, SKIP LOCKED), so a backlog is imported set-based whichever of the jobs or the intake-batch
 * loops gets there first. A job whose own delivery someone else already imported still claims a batch of whatever
 * waits, so the jobs' claims add up to the deliveries stored even without intake-batch loops (INTAKE_BATCH_LOOPS=0).
 * When the batch fails, the job's own delivery is imported alone (its failure counted on the row, BullMQ retries it).
 */
export const webhookIntakeProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const { deliveryId } = queueDefs['webhook-intake'].payload.parse(job.data);
    const cur = await sqlOne<Pick<WebhookDeliveryRow, 'status'>>(rt.orm.em.fork(), 'select status from webhook_delivery where id = ?', [
      deliveryId,
    ]);
    if (!cur || cur.status !== 'received') {
      // A failing batch here is left to the intake-batch loops and the sweep (which take it apart): this job's own work is done.
      const rest = await withTx(rt.orm.em, (tx) =>
        processDeliveryBatch(tx, systemClock, { limit: rt.config.orders.intakeBatchSize }),
      ).catch((err: unknown) => (rt.logger.warn({ err, deliveryId }, 'intake batch beside a done delivery failed'), undefined));
      return { status: cur?.status ?? 'missing', claimedBeside: rest?.claimed ?? 0 };
    }
    try {
      return await withTx(rt.orm.em, (tx) =>
        processDeliveryBatch(tx, systemClock, { limit: rt.config.orders.intakeBatchSize, include: deliveryId }),
      );
    } catch (err) {
      rt.logger.warn({ err, deliveryId }, 'intake batch failed; importing the job delivery alone');
    }
    const r = await importOne(rt.orm, deliveryId, rt.logger);
    if (r.status === 'failed') rt.logger.warn({ deliveryId }, 'delivery was not an order; dead-lettered');
    return r;
  };
