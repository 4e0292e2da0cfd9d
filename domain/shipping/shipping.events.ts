import { z } from 'zod';

/** Domain events of the shipping context: `context.noun.pastVerb` → payload schema. */
const id = z.string().min(1);

export const TRACKING_STATUSES = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'available_for_pickup',
  'failure',
  'return_to_sender',
  'exception',
] as const;

export const shippingEvents = {
  /** The carrier decision for a shipment, with the alternatives and why (stored on shipment.selection). */
  'shipment.carrier_selected': z.object({
    shipmentId: id,
    orderId: id.nullable(),
    carrierCode: z.string(),
    serviceCode: z.string(),
    deliveryMode: z.string(),
    estimatedDelivery: z.string().nullable(),
    late: z.boolean(),
    reason: z.string(),
  }),
  /** A label was bought: the storefront is told (tracking) and the order counts as shipped. */
  'shipment.labelled': z.object({
    shipmentId: id,
    orderId: id.nullable(),
    carrierCode: z.string(),
    serviceCode: z.string(),
    trackingNumber: z.string(),
    trackingUrl: z.string().nullable(),
    sscc: z.string().regex(/^\d{18}$/),
    labelId: id,
  }),
  'shipment.label_voided': z.object({ shipmentId: id, orderId: id.nullable(), labelId: id, trackingNumber: z.string() }),
  /** The parcel left the building: its stock left through a `ship` movement. */
  'shipment.shipped': z.object({ shipmentId: id, orderId: id.nullable(), carrierCode: z.string().nullable(), manifestId: id.nullable() }),
  'manifest.created': z.object({ manifestId: id, carrierCode: z.string(), shipDate: z.string(), shipmentIds: z.array(id) }),
  'shipment.tracking_updated': z.object({
    shipmentId: id,
    orderId: id.nullable(),
    carrierCode: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    status: z.enum(TRACKING_STATUSES),
    detail: z.string(),
    location: z.record(z.string(), z.string()),
    occurredAt: z.string(),
    estimatedDelivery: z.string().nullable(),
  }),
  'shipment.exception_raised': z.object({ shipmentId: id, kind: z.string(), message: z.string() }),
} satisfies Record<string, z.ZodType>;
