import { cursorParam } from '../shared/cursor.js';
import { z } from 'zod';
import { shipmentLifecycle } from './shipment.lifecycle.js';

/**
 * Shipment status, parcel and own-fleet paths together:
 * created → packed → labelled → manifested → in_transit → delivered (parcel), or
 * packed/labelled → planned → dispatched → delivered | failed (own fleet); cancelled and voided labels return to packed.
 * The states and moves are the transition table in `shipment.lifecycle.ts`.
 */
export const SHIPMENT_STATUSES = shipmentLifecycle.states;
export const shipmentStatus = z.enum(SHIPMENT_STATUSES);
export type ShipmentStatus = z.infer<typeof shipmentStatus>;

/** `status=packed` or `status=packed,labelled`: one status or a comma-separated set. */
const statusFilter = z
  .string()
  .max(300)
  .transform((s, ctx) => {
    const parts = s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    for (const p of parts)
      if (!(SHIPMENT_STATUSES as readonly string[]).includes(p)) {
        ctx.addIssue({ code: 'custom', message: `unknown status ${p}; one of ${SHIPMENT_STATUSES.join(', ')}` });
        return z.NEVER;
      }
    return parts as ShipmentStatus[];
  });

export const shipmentListQuery = z.object({
  warehouseId: z.uuid(),
  status: statusFilter.optional(),
  orderId: z.uuid().optional(),
  carrier: z.string().max(40).optional(),
  deliveryDate: z.iso.date().optional(),
  cursor: cursorParam,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ShipmentListQuery = z.infer<typeof shipmentListQuery>;

export const shipmentView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  orderId: z.string().nullable(),
  orderNumber: z.string().nullable(),
  status: shipmentStatus,
  carrierCode: z.string().nullable(),
  serviceCode: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  sscc: z.string().nullable(),
  deliveryMode: z.string().nullable(),
  boxId: z.string().nullable(),
  cartonNo: z.number().int().nullable(),
  weightG: z.number().int(),
  lengthMm: z.number().int(),
  widthMm: z.number().int(),
  heightMm: z.number().int(),
  shipTo: z.record(z.string(), z.unknown()),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  deliveryDate: z.string().nullable(),
  promiseDate: z.string().nullable(),
  estimatedDelivery: z.string().nullable(),
  trackingStatus: z.string().nullable(),
  manifestId: z.string().nullable(),
  /** The consignment it travels in when several orders for the same consignee were consolidated. */
  consignmentId: z.string().nullable(),
  /** Its share of the quoted price of its consignment (minor units). */
  quotedCostMinor: z.number().int().nullable(),
  /** Why this carrier, service and delivery mode were chosen. */
  selectionReason: z.string().nullable(),
  lateRisk: z.boolean(),
  labelledAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ShipmentView = z.infer<typeof shipmentView>;
