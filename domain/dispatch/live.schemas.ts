import { z } from 'zod';
import { FAILURE_CODES } from './proof.js';

/** Commands and views of the live delivery day (positions, proof, board, at-risk queue). */

export const positionBody = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracyM: z.number().min(0).max(100_000).optional(),
  speedMps: z.number().min(0).max(100).optional(),
  headingDeg: z.number().min(0).max(360).optional(),
  /** When the phone took the fix (queued pings arrive late); defaults to receipt time. */
  recordedAt: z.iso.datetime({ offset: true }).optional(),
});
export type PositionBody = z.infer<typeof positionBody>;

/**
 * The live message of a ping (Socket.IO `telemetry`, type `vehicle.position_reported`) to
 * `warehouse:<id>` and `route:<planId>`. Telemetry is not a domain event: it skips the outbox, has
 * no seq and is not replayed; the board takes the newest `recordedAt` per vehicle.
 */
/** The ack of a `position` message on the driver's socket: the HTTP ping's 201 body, or its problem. */
export type PositionAck =
  | { ok: true; id: string; routeId: string | null; notices: number }
  | { ok: false; type: string; status: number; detail: string; errors: { path: string; message: string }[] };

export const positionReported = z.object({
  vehicleId: z.string(),
  driverId: z.string().nullable(),
  routeId: z.string().nullable(),
  planId: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  speedMps: z.number().nullable(),
  headingDeg: z.number().nullable(),
  recordedAt: z.string(),
});
export type PositionReported = z.infer<typeof positionReported>;

export const arriveBody = z.object({ lat: z.number().min(-90).max(90).optional(), lng: z.number().min(-180).max(180).optional() });
export type ArriveBody = z.infer<typeof arriveBody>;

// Photos and signatures travel as data URLs (JPEG/PNG/SVG), bounded below the body limit.
const image = z
  .string()
  .max(700_000)
  .regex(/^data:image\/(jpeg|png|webp|svg\+xml);base64,/, 'expected a data:image/…;base64 URL');

export const proofBody = z.object({
  photo: image.optional(),
  signature: image.optional(),
  recipientName: z.string().max(200).optional(),
  notes: z.string().max(2000).optional(),
  /** Where the proof was taken; the distance from the stop is stored with it. */
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  capturedAt: z.iso.datetime({ offset: true }).optional(),
});

export const deliveredBody = z.object({ proof: proofBody.optional() });
export type DeliveredBody = z.infer<typeof deliveredBody>;

export const failedBody = z
  .object({
    reason: z.string().min(1).max(500).optional(),
    reasonCode: z.enum(FAILURE_CODES).optional(),
    proof: proofBody.optional(),
    /** The parcel rides back to the depot (the warehouse then expects it). */
    returnToWarehouse: z.boolean().default(true),
  })
  .refine((b) => b.reason || b.reasonCode, { message: 'give a reason or a reasonCode', path: ['reasonCode'] });
export type FailedBody = z.infer<typeof failedBody>;

const requirement = z.enum(['required', 'optional', 'off']);
export const podPolicyBody = z.object({
  photo: requirement,
  signature: requirement,
  recipientName: requirement,
  notes: requirement,
});

export const liveStopView = z.object({
  id: z.string(),
  seq: z.number().int(),
  shipmentId: z.string(),
  orderId: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  customer: z.string().nullable(),
  status: z.enum(['planned', 'dispatched', 'delivered', 'failed']),
  lat: z.number(),
  lng: z.number(),
  windowStartS: z.number().nullable(),
  windowEndS: z.number().nullable(),
  plannedEtaS: z.number(),
  /** Live ETA (remaining stops only). */
  etaS: z.number().nullable(),
  lateByS: z.number(),
  arrivedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  failureReason: z.string().nullable(),
  failureCode: z.string().nullable(),
});

export const liveRouteView = z.object({
  id: z.string(),
  planId: z.string(),
  vehicleId: z.string(),
  vehicleCode: z.string(),
  driverName: z.string().nullable(),
  status: z.enum(['planned', 'dispatched', 'completed', 'broken_down']),
  startedAt: z.string().nullable(),
  position: z
    .object({
      lat: z.number(),
      lng: z.number(),
      speedMps: z.number().nullable(),
      headingDeg: z.number().nullable(),
      recordedAt: z.string(),
    })
    .nullable(),
  gpsStale: z.boolean(),
  depot: z.object({ lat: z.number(), lng: z.number() }),
  stops: z.array(liveStopView),
});

export const etaChange = z.object({
  stopId: z.string(),
  routeId: z.string(),
  beforeS: z.number(),
  afterS: z.number(),
  lateBeforeS: z.number(),
  lateAfterS: z.number(),
});
export type EtaChange = z.infer<typeof etaChange>;

/** A fix for an at-risk stop (domain/dispatch/at-risk.ts computes it), with the ETA effect on every stop it touches. */
export const suggestionView = z.object({
  kind: z.enum(['swap', 'move']),
  stopId: z.string(),
  fromRouteId: z.string(),
  toRouteId: z.string(),
  /** 1-based position among the target route's remaining stops after the fix. */
  position: z.number().int(),
  lateBeforeS: z.number(),
  lateAfterS: z.number(),
  extraDriveS: z.number(),
  /** New remaining order of every route the fix touches. */
  orders: z.record(z.string(), z.array(z.string())),
  effects: z.array(etaChange),
});
export type Suggestion = z.infer<typeof suggestionView>;

export const atRiskView = z.object({
  stopId: z.string(),
  routeId: z.string(),
  vehicleCode: z.string(),
  etaS: z.number(),
  windowEndS: z.number(),
  lateByS: z.number(),
  suggestion: suggestionView.nullable(),
});
export type AtRiskStop = z.infer<typeof atRiskView>;
export type LiveStopView = z.infer<typeof liveStopView>;
export type LiveRouteView = z.infer<typeof liveRouteView>;

export const boardView = z.object({
  warehouseId: z.string(),
  deliveryDate: z.string(),
  nowS: z.number(),
  planId: z.string().nullable(),
  planStatus: z.string().nullable(),
  routes: z.array(liveRouteView),
  atRisk: z.array(atRiskView),
  unassignedShipmentIds: z.array(z.string()),
});
export type BoardView = z.infer<typeof boardView>;

export const applyFixBody = z.object({
  stopId: z.uuid(),
  /** The new remaining order of every route the fix touches (as previewed). */
  orders: z.record(z.uuid(), z.array(z.uuid())),
});
