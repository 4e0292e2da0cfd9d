import type { Processor } from 'bullmq';
import { relayedEventSchema } from '../domain/events/catalogue.js';
import { systemClock } from '../domain/shared/clock.js';
import { consolidationHoldS, selectCarrier } from '../domain/shipping/carrier-selection.service.js';
import { flagUnmanifestedAtCutoff } from '../domain/shipping/manifest.service.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/** How often labelled parcels are checked against their service's cut-off. */
export const SHIPPING_TICK_MS = 60_000;

/**
 * Packed shipments get their carrier decision (own-fleet ones thereby join their delivery day's route planning),
 * after the warehouse's consolidation window when their order may travel with others;
 * a repeatable tick raises exceptions for labelled parcels still unmanifested after cut-off. Both idempotent.
 */
export const shippingProcessor = (rt: Runtime): Processor => {
  void rt.queues
    .get('shipping')
    .upsertJobScheduler('cutoff-check', { every: SHIPPING_TICK_MS }, { name: 'tick', data: { kind: 'tick' } })
    .catch((err: unknown) => rt.logger.error({ err }, 'could not schedule the shipping cut-off check'));
  return async (job) => {
    const data = queueDefs.shipping.payload.parse(job.data);
    if ('kind' in data && data.kind === 'tick')
      return { unmanifested: await withTx(rt.orm.em, (tx) => flagUnmanifestedAtCutoff(tx, systemClock.now())) };
    let shipmentId: string;
    if ('kind' in data) shipmentId = data.shipmentId;
    else {
      const e = relayedEventSchema.parse(data);
      if (e.type !== 'shipment.packed') return { skipped: e.type };
      shipmentId = (e.payload as { shipmentId: string }).shipmentId;
      // Within the warehouse's consolidation window the decision waits, so later orders for the same consignee can
      // join this carton's consignment; the delayed `select` job decides for whatever is waiting then.
      const holdS = await consolidationHoldS(rt.orm.em.fork(), shipmentId, systemClock.now());
      if (holdS > 0) {
        await rt.queues.add('shipping', { kind: 'select', shipmentId }, { jobId: `select-${shipmentId}`, delay: holdS * 1000 });
        return { heldS: holdS };
      }
    }
    const r = await withTx(rt.orm.em, (tx) => selectCarrier(tx, shipmentId, systemClock.now()));
    return r ? { carrier: r.carrier, service: r.service, mode: r.deliveryMode, late: r.late } : { selected: false };
  };
};
