import { z } from 'zod';

const id = z.string().min(1);

/** What the service metrics need of an attempt (optional: events recorded before they existed lack them). */
const deliveryFacts = {
  attempt: z.number().int().min(1).optional(),
  /** Served by the window end (null: no window). */
  onTime: z.boolean().nullable().optional(),
  /** The parcel's share of its route's cost and distance. */
  costMinor: z.number().int().optional(),
  distanceM: z.number().int().optional(),
  co2eG: z.number().int().optional(),
  vehicleCode: z.string().optional(),
  carrierCode: z.string().optional(),
};

/** Domain events of the dispatch context: `context.noun.pastVerb` → payload schema. */
export const dispatchEvents = {
  'route_plan.requested': z.object({
    planId: id,
    deliveryDate: z.string(),
    version: z.number().int(),
    reason: z.enum(['plan', 'reoptimize']),
  }),
  /**
   * A running solve's heartbeat, about once per second: the best cost so far, or null while the
   * solver has no solution to report yet (construction, fleet minimisation).
   */
  'route_plan.progress': z.object({ planId: id, version: z.number().int(), bestCost: z.number().nullable(), elapsedS: z.number() }),
  'route_plan.solved': z.object({
    planId: id,
    version: z.number().int(),
    cost: z.number(),
    distanceM: z.number(),
    durationS: z.number(),
    vehiclesUsed: z.number().int(),
    routes: z.number().int(),
    stops: z.number().int(),
    unassigned: z.number().int(),
    elapsedS: z.number(),
  }),
  'route_plan.failed': z.object({ planId: id, version: z.number().int(), error: z.string() }),
  'route_plan.cancelled': z.object({ planId: id, version: z.number().int() }),
  /** A planner gave a planned route to a driver (null: took it away). */
  'route.driver_assigned': z.object({ planId: id, routeId: id, vehicleId: id, driverId: id.nullable() }),
  'route.dispatched': z.object({ planId: id, routeId: id, vehicleId: id, driverId: id.nullable(), stops: z.number().int() }),
  'route.stop_moved': z.object({
    planId: id,
    stopId: id,
    fromRouteId: id,
    toRouteId: id,
    position: z.number().int(),
    costDelta: z.number(),
  }),
  'stop.delivered': z.object({ planId: id, routeId: id, stopId: id, shipmentId: id, ...deliveryFacts }),
  'stop.failed': z.object({ planId: id, routeId: id, stopId: id, shipmentId: id, reason: z.string(), ...deliveryFacts }),
  'shipment.delivered': z.object({
    shipmentId: id,
    orderId: id.nullable(),
    carrierCode: z.string().optional(),
    trackingNumber: z.string().optional(),
  }),
  'shipment.delivery_failed': z.object({
    shipmentId: id,
    orderId: id.nullable(),
    reason: z.string(),
    carrierCode: z.string().optional(),
    trackingNumber: z.string().optional(),
  }),
} satisfies Record<string, z.ZodType>;
