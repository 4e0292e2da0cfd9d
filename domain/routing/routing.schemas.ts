import { z } from 'zod';

/**
 * Plain-data input and output of the routing solver. Everything here survives structured clone,
 * so a worker thread can receive a problem and post back a solution unchanged.
 *
 * Units: distances in metres, times in seconds (any common origin, e.g. seconds since midnight),
 * weights in grams, volumes in cm³, money in minor currency units.
 */

const numberArray = z.custom<ArrayLike<number>>(
  (v) => Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array,
  'expected a number array or typed array',
);

/** A finite number, or Infinity for "no limit" (zod 4's number() rejects infinities). */
const limit = z.union([z.number(), z.custom<number>((v) => v === Number.POSITIVE_INFINITY, 'expected a number or Infinity')]);

/** Row-major n×n matrices over location indices: entry [i*n+j] is the trip from i to j. */
export const matrixSchema = z.object({
  n: z.number().int().nonnegative(),
  distanceM: numberArray,
  durationS: numberArray,
});

export const vehicleSchema = z.object({
  id: z.string(),
  /** Location index (row of the matrix) where the shift starts and where it ends. */
  startIndex: z.number().int().nonnegative(),
  endIndex: z.number().int().nonnegative(),
  capacityWeightG: limit.refine((v) => v >= 0, 'capacity must be non-negative'),
  capacityVolumeCm3: limit.refine((v) => v >= 0, 'capacity must be non-negative').default(Number.POSITIVE_INFINITY),
  costPerKm: z.number().nonnegative().default(0),
  /** Applied to driving plus service time (waiting is not charged, which keeps arc costs additive). */
  costPerHour: z.number().nonnegative().default(0),
  fixedCost: z.number().nonnegative().default(0),
  /** The vehicle leaves its start at shiftStartS and must be back by shiftEndS. */
  shiftStartS: z.number().default(0),
  shiftEndS: limit.default(Number.POSITIVE_INFINITY),
  /** Longest allowed route (return time minus shiftStartS). */
  maxDurationS: z.number().positive().optional(),
  /**
   * Job indices already dispatched to this vehicle: they stay its first stops, in this order,
   * and the solver plans only what follows (re-optimisation after new orders or a breakdown).
   */
  lockedJobs: z.array(z.number().int().nonnegative()).default([]),
});

export const jobSchema = z.object({
  id: z.string(),
  locationIndex: z.number().int().nonnegative(),
  weightG: z.number().nonnegative().default(0),
  volumeCm3: z.number().nonnegative().default(0),
  serviceS: z.number().nonnegative().default(0),
  /** Service must start within [startS, endS]; arriving early means waiting. */
  timeWindow: z.object({ startS: z.number(), endS: z.number() }).optional(),
});

export const routingProblemSchema = z.object({
  matrix: matrixSchema,
  vehicles: z.array(vehicleSchema).min(1),
  jobs: z.array(jobSchema),
});

export type RoutingMatrix = z.infer<typeof matrixSchema>;
export type Vehicle = z.infer<typeof vehicleSchema>;
export type Job = z.infer<typeof jobSchema>;
/** Parsed problem (defaults applied). */
export type RoutingProblem = z.infer<typeof routingProblemSchema>;
/** Problem as a caller may write it (defaults optional). */
export type RoutingProblemInput = z.input<typeof routingProblemSchema>;

export interface RouteStop {
  jobIndex: number;
  jobId: string;
  arrivalS: number;
  /** Service start (= ETA the customer sees): max(arrival, window start). */
  startS: number;
  departureS: number;
  /** Goods still on board after this stop (delivery-only model: load decreases along the route). */
  loadAfterWeightG: number;
  loadAfterVolumeCm3: number;
}

export interface Route {
  vehicleIndex: number;
  vehicleId: string;
  stops: RouteStop[];
  /** Departure from the start location and arrival at the end location. */
  startS: number;
  endS: number;
  loadWeightG: number;
  loadVolumeCm3: number;
  distanceM: number;
  durationS: number;
  cost: number;
}

export interface RoutingSolution {
  routes: Route[];
  unassigned: { jobIndex: number; jobId: string }[];
  /** Sum of route costs (fixed + per km + per hour); unassigned jobs are not priced here. */
  cost: number;
  distanceM: number;
  durationS: number;
  vehiclesUsed: number;
  iterations: number;
  elapsedS: number;
}
