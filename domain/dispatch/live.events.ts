import { z } from 'zod';

const id = z.string().min(1);

/** Events of the live delivery day: positions, arrivals, proofs, customer notices, returns. */
export const dispatchLiveEvents = {
  /** An at-risk fix re-ordered live routes (a stop may have changed route). */
  'route.resequenced': z.object({ planId: id, stopId: id, routeIds: z.array(id) }),
  'route.started': z.object({ planId: id, routeId: id, vehicleId: id }),
  'stop.arrived': z.object({ planId: id, routeId: id, stopId: id, shipmentId: id, distanceM: z.number().nullable() }),
  'stop.proof_recorded': z.object({
    planId: id,
    stopId: id,
    shipmentId: id,
    proofId: id,
    outcome: z.enum(['delivered', 'failed']),
    distanceM: z.number().nullable(),
  }),
  /**
   * A customer notice for the storefront callback / notification webhook (SMS, e-mail provider):
   * route started, ETA, nearby, delivered, failed, delayed — each with the tracking link.
   */
  'delivery.customer_notified': z.object({
    kind: z.enum(['route_started', 'eta', 'nearby', 'delivered', 'failed', 'delayed']),
    shipmentId: id,
    orderId: id.nullable(),
    stopId: id,
    routeId: id,
    etaAt: z.string().nullable(),
    windowStartS: z.number().nullable(),
    windowEndS: z.number().nullable(),
    trackingUrl: z.string(),
    reason: z.string().optional(),
  }),
  /** A failed delivery is coming back: the warehouse expects to receive it by scan. */
  'return.expected': z.object({
    returnId: id,
    shipmentId: id,
    stopId: id,
    reasonCode: z.string(),
    orderId: id.nullable(),
    asnId: id.nullable(),
  }),
} satisfies Record<string, z.ZodType>;
