import { FUELS } from './co2.js';
import { z } from 'zod';
import { routePlanLifecycle } from './route-plan.lifecycle.js';

/** Commands and views of the dispatch context (the API's request/response schemas come from here). */

/** A calendar day: the shape alone let 2026-13-45 through to PostgreSQL, whose refusal could not name the field. */
export const dateOnly = z.iso.date({ error: 'expected a calendar date, YYYY-MM-DD' });
const dayS = z.number().int().min(0).max(172_800);

/** Skills a vehicle may offer (and a stop may need). */
export const VEHICLE_SKILLS = ['refrigerated', 'tail_lift', 'hazmat'] as const;

/**
 * Routing rules of one shipment's stop, stored on the shipment (they hold for every later plan
 * and re-optimisation of it). A field left out keeps its stored value; `timeWindow: null`
 * clears the window. Lower priorities (0–9) are dropped first when the day cannot hold every
 * stop; an optional stop may be left out when serving it costs more than its drop penalty.
 */
export const stopRule = z
  .object({
    shipmentId: z.uuid(),
    skills: z.array(z.enum(VEHICLE_SKILLS)).max(VEHICLE_SKILLS.length).optional(),
    timeWindow: z
      .object({ startS: dayS, endS: dayS })
      .refine((w) => w.endS >= w.startS, { message: 'window must end after it starts', path: ['endS'] })
      .nullable()
      .optional(),
    serviceTimeS: z.number().int().min(0).max(14_400).optional(),
    pallets: z.number().int().min(0).max(100).optional(),
    priority: z.number().int().min(0).max(9).optional(),
    optional: z.boolean().optional(),
    dropPenaltyMinor: z.number().int().min(0).max(1e12).optional(),
  })
  .refine((r) => r.optional !== true || r.dropPenaltyMinor !== undefined, {
    message: 'an optional stop needs dropPenaltyMinor',
    path: ['dropPenaltyMinor'],
  });
export type StopRule = z.infer<typeof stopRule>;

export const createPlanBody = z.object({
  warehouseId: z.uuid(),
  deliveryDate: dateOnly,
  vehicleIds: z.array(z.uuid()).min(1).max(500).optional(),
  /** Stop-side rules written to the shipments before the solve (see stopRule). */
  stopRules: z
    .array(stopRule)
    .max(5000)
    .refine((rs) => new Set(rs.map((r) => r.shipmentId)).size === rs.length, { message: 'a shipment appears twice' })
    .default([]),
  timeLimitS: z.number().int().min(1).max(600).default(30),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export type CreatePlan = z.infer<typeof createPlanBody>;

export const reoptimizeBody = z.object({
  brokenVehicleIds: z.array(z.uuid()).max(500).default([]),
  timeLimitS: z.number().int().min(1).max(600).optional(),
});
export type Reoptimize = z.infer<typeof reoptimizeBody>;

export const moveStopBody = z.object({
  stopId: z.uuid(),
  toRouteId: z.uuid(),
  /** 1-based position on the target route after the move. */
  position: z.number().int().min(1),
  dryRun: z.boolean().default(false),
});
export type MoveStopCmd = z.infer<typeof moveStopBody>;

export const stopOutcomeBody = z.object({ reason: z.string().min(1).max(500) });

/** A driver's break: it starts within [startS, endS] (seconds since midnight) and lasts durationS. */
export const vehicleBreak = z
  .object({ id: z.string().min(1).max(40), startS: dayS, endS: dayS, durationS: z.number().int().min(60).max(14_400) })
  .refine((b) => b.endS >= b.startS, { message: 'break window must end after it starts', path: ['endS'] });

export const createVehicleBody = z
  .object({
    warehouseId: z.uuid(),
    code: z.string().regex(/^[A-Z0-9_-]{1,32}$/),
    name: z.string().min(1).max(100),
    capacityWeightG: z.number().int().positive(),
    capacityVolumeMm3: z.number().int().positive(),
    costPerKmMinor: z.number().int().min(0).default(0),
    costPerHourMinor: z.number().int().min(0).default(0),
    fixedCostMinor: z.number().int().min(0).default(0),
    shiftStartS: dayS,
    shiftEndS: dayS,
    maxDurationS: z.number().int().positive().nullable().default(null),
    depotLat: z.number().min(-90).max(90),
    depotLng: z.number().min(-180).max(180),
    /** null = no pallet limit. */
    capacityPallets: z.number().int().min(0).nullable().default(null),
    skills: z.array(z.enum(VEHICLE_SKILLS)).max(VEHICLE_SKILLS.length).default([]),
    breaks: z.array(vehicleBreak).max(4).default([]),
    maxDistanceM: z.number().int().positive().nullable().default(null),
    /** The route ends at its last stop (the driver takes the vehicle home). */
    openRoute: z.boolean().default(false),
    /** What it runs on: the CO₂e of its routes uses this fuel's published factor (co2.ts). */
    fuel: z.enum(FUELS).default('diesel'),
  })
  .refine((v) => v.shiftEndS > v.shiftStartS, { message: 'shift must end after it starts', path: ['shiftEndS'] })
  .refine((v) => v.breaks.every((b) => b.startS >= v.shiftStartS && b.endS <= v.shiftEndS), {
    message: 'a break window must lie within the shift',
    path: ['breaks'],
  });
export type CreateVehicle = z.infer<typeof createVehicleBody>;

export const vehicleView = z.object({
  id: z.string(),
  fuel: z.enum(FUELS),
  warehouseId: z.string(),
  code: z.string(),
  name: z.string(),
  capacityWeightG: z.number(),
  capacityVolumeMm3: z.number(),
  costPerKmMinor: z.number(),
  costPerHourMinor: z.number(),
  fixedCostMinor: z.number(),
  shiftStartS: z.number(),
  shiftEndS: z.number(),
  maxDurationS: z.number().nullable(),
  depotLat: z.number(),
  depotLng: z.number(),
  active: z.boolean(),
  capacityPallets: z.number().nullable(),
  skills: z.array(z.string()),
  breaks: z.array(z.object({ id: z.string(), startS: z.number(), endS: z.number(), durationS: z.number() })),
  maxDistanceM: z.number().nullable(),
  openRoute: z.boolean(),
});
export type VehicleView = z.infer<typeof vehicleView>;

export const createDriverBody = z.object({
  warehouseId: z.uuid(),
  userId: z.uuid(),
  name: z.string().min(1).max(100),
  vehicleId: z.uuid().nullable().default(null),
});
/** Reassign a planned route to a driver of its warehouse (null: no driver yet). */
export const assignRouteBody = z.object({ driverId: z.uuid().nullable() });

export const driverView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  userId: z.string(),
  name: z.string(),
  vehicleId: z.string().nullable(),
});

export const stopView = z.object({
  id: z.string(),
  seq: z.number().int(),
  shipmentId: z.string(),
  status: z.enum(['planned', 'dispatched', 'delivered', 'failed']),
  lat: z.number(),
  lng: z.number(),
  arrivalS: z.number(),
  etaS: z.number(),
  departureS: z.number(),
  loadAfterWeightG: z.number(),
  loadAfterVolumeMm3: z.number(),
  windowStartS: z.number().nullable(),
  windowEndS: z.number().nullable(),
  failureReason: z.string().nullable(),
  /** For the driver's screen: who and where (from the shipment's ship-to). */
  customer: z.string().nullable().optional(),
  address: z.string().nullable().optional(),
  trackingNumber: z.string().nullable().optional(),
  arrivedAt: z.string().nullable().optional(),
  /** The stop's routing rules as planned. */
  serviceTimeS: z.number().optional(),
  skills: z.array(z.string()).optional(),
  pallets: z.number().optional(),
  priority: z.number().int().optional(),
  optional: z.boolean().optional(),
});

/** Where a driver break goes: after `afterStop` stops (0 = before the first), from startS to endS. */
export const routeBreakView = z.object({ id: z.string(), afterStop: z.number().int(), startS: z.number(), endS: z.number() });
export type RouteBreakView = z.infer<typeof routeBreakView>;

/** Why the solver left a shipment out (skills, capacity, time_window, shift, max_distance, break, no_room, penalty_cheaper). */
export const unassignedView = z.object({ shipmentId: z.string(), reason: z.string().nullable() });

export const routeView = z.object({
  id: z.string(),
  planId: z.string(),
  vehicleId: z.string(),
  vehicleCode: z.string(),
  driverId: z.string().nullable(),
  status: z.enum(['planned', 'dispatched', 'completed', 'broken_down']),
  startS: z.number(),
  endS: z.number(),
  loadWeightG: z.number(),
  loadVolumeMm3: z.number(),
  distanceM: z.number(),
  durationS: z.number(),
  cost: z.number(),
  breaks: z.array(routeBreakView),
  stops: z.array(stopView),
});
export type RouteView = z.infer<typeof routeView>;

export const planSummaryView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  deliveryDate: z.string(),
  status: routePlanLifecycle.schema,
  version: z.number().int(),
  solvedVersion: z.number().int().nullable(),
  timeLimitS: z.number().int(),
  seed: z.number().int(),
  brokenVehicleIds: z.array(z.string()),
  bestCost: z.number().nullable(),
  cost: z.number().nullable(),
  distanceM: z.number().nullable(),
  durationS: z.number().nullable(),
  vehiclesUsed: z.number().nullable(),
  iterations: z.number().nullable(),
  unassignedShipmentIds: z.array(z.string()),
  /** The same shipments with the reason each was left out (null: before reasons were kept). */
  unassigned: z.array(unassignedView),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export const planView = planSummaryView.extend({ routes: z.array(routeView) });
export type PlanView = z.infer<typeof planView>;

export const moveStopResult = z.object({
  applied: z.boolean(),
  feasible: z.literal(true),
  costBefore: z.number(),
  costAfter: z.number(),
  costDelta: z.number(),
  from: z.object({ routeId: z.string(), cost: z.number(), endS: z.number() }),
  to: z.object({ routeId: z.string(), cost: z.number(), endS: z.number() }),
});
