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

/**
 * A driver's break: it must start within [startS, endS] and lasts durationS. It is taken between
 * two stops (or before the first, or after the last): the vehicle stops wherever it is once the
 * break window is open, so it is not charged per hour and never needs a detour.
 */
export const breakSchema = z
  .object({
    id: z.string(),
    startS: z.number(),
    endS: z.number(),
    durationS: z.number().nonnegative(),
  })
  .refine((b) => b.endS >= b.startS, { message: 'break window must end after it starts', path: ['endS'] });

/** Skill names a vehicle offers and a job needs (e.g. refrigerated, tail_lift, hazmat). */
const skills = z.array(z.string().min(1).max(64)).max(30).default([]);

export const vehicleSchema = z.object({
  id: z.string(),
  /** Location index (row of the matrix) where the shift starts. */
  startIndex: z.number().int().nonnegative(),
  /** Location index where the route ends; omitted = an open route that ends at its last stop. */
  endIndex: z.number().int().nonnegative().optional(),
  capacityWeightG: limit.refine((v) => v >= 0, 'capacity must be non-negative'),
  capacityVolumeCm3: limit.refine((v) => v >= 0, 'capacity must be non-negative').default(Number.POSITIVE_INFINITY),
  capacityPallets: limit.refine((v) => v >= 0, 'capacity must be non-negative').default(Number.POSITIVE_INFINITY),
  skills,
  breaks: z.array(breakSchema).max(8).default([]),
  /** Travel profile (e.g. truck, van): the vehicle drives on `matrices[profile]` instead of `matrix`. */
  profile: z.string().min(1).max(40).optional(),
  /** Longest allowed route in metres (the return leg included for closed routes). */
  maxDistanceM: z.number().positive().optional(),
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
  pallets: z.number().nonnegative().default(0),
  serviceS: z.number().nonnegative().default(0),
  /** Service must start within [startS, endS]; arriving early means waiting. */
  timeWindow: z.object({ startS: z.number(), endS: z.number() }).optional(),
  skills,
  /**
   * 0–9. When the day cannot hold every mandatory stop, lower priorities are dropped first
   * (each level multiplies the drop penalty); optional stops are priced by dropPenalty only.
   */
  priority: z.number().int().min(0).max(9).default(0),
  /** An optional stop may be left out when serving it costs more than `dropPenalty`. */
  optional: z.boolean().default(false),
  dropPenalty: z.number().nonnegative().optional(),
});

/**
 * A pickup-and-delivery pair: the goods (the pickup job's weight, volume and pallets) are
 * loaded at the pickup and unloaded at the delivery, by one vehicle, pickup first. The
 * delivery job carries the same amounts.
 */
export const pairSchema = z.object({
  pickupIndex: z.number().int().nonnegative(),
  deliveryIndex: z.number().int().nonnegative(),
});

export const routingProblemSchema = z
  .object({
    matrix: matrixSchema,
    /** Matrices per vehicle profile, over the same locations as `matrix` (same n). */
    matrices: z.record(z.string(), matrixSchema).default({}),
    vehicles: z.array(vehicleSchema).min(1),
    jobs: z.array(jobSchema),
    pairs: z.array(pairSchema).default([]),
    /**
     * Optional planar coordinates [x, y] of each location (same indices as the matrix; longitude
     * and latitude will do for a city). They only guide the search (HGS's polar sectors around the
     * depot: SWAP*'s route pairs and the order of routes in a giant tour, hgs/); every cost still
     * comes from the matrices. Without them the search falls back to matrix-only rules.
     */
    coordinates: z.array(z.tuple([z.number(), z.number()])).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.coordinates !== undefined && p.coordinates.length !== p.matrix.n)
      ctx.addIssue({ code: 'custom', message: 'coordinates must have one entry per matrix location', path: ['coordinates'] });
    p.vehicles.forEach((v, k) => {
      if (v.profile !== undefined && !p.matrices[v.profile])
        ctx.addIssue({ code: 'custom', message: `no matrix for profile ${v.profile}`, path: ['vehicles', k, 'profile'] });
    });
    for (const [name, mx] of Object.entries(p.matrices))
      if (mx.n !== p.matrix.n)
        ctx.addIssue({ code: 'custom', message: 'profile matrix size differs from matrix.n', path: ['matrices', name, 'n'] });
    p.jobs.forEach((j, k) => {
      if (j.optional && j.dropPenalty === undefined)
        ctx.addIssue({ code: 'custom', message: 'an optional job needs a dropPenalty', path: ['jobs', k, 'dropPenalty'] });
    });
    const inPair = new Set<number>();
    p.pairs.forEach((pr, k) => {
      for (const [field, idx] of [
        ['pickupIndex', pr.pickupIndex],
        ['deliveryIndex', pr.deliveryIndex],
      ] as const) {
        if (idx >= p.jobs.length) ctx.addIssue({ code: 'custom', message: 'no such job', path: ['pairs', k, field] });
        else if (inPair.has(idx)) ctx.addIssue({ code: 'custom', message: 'job is in two pairs', path: ['pairs', k, field] });
        inPair.add(idx);
      }
      const a = p.jobs[pr.pickupIndex];
      const b = p.jobs[pr.deliveryIndex];
      if (a && b && (a.weightG !== b.weightG || a.volumeCm3 !== b.volumeCm3 || a.pallets !== b.pallets))
        ctx.addIssue({ code: 'custom', message: 'pickup and delivery must carry the same amounts', path: ['pairs', k] });
    });
  });

export type RoutingMatrix = z.infer<typeof matrixSchema>;

/** The matrix a vehicle drives on: its profile's, else the problem's default. */
export function matrixOf(p: { matrix: RoutingMatrix; matrices: Record<string, RoutingMatrix> }, v: { profile?: string }): RoutingMatrix {
  return (v.profile !== undefined ? p.matrices[v.profile] : undefined) ?? p.matrix;
}
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
  /** Goods on board after this stop (deliveries unload, pickups of pairs load). */
  loadAfterWeightG: number;
  loadAfterVolumeCm3: number;
  loadAfterPallets: number;
}

export interface RouteBreak {
  breakId: string;
  /** Index in the vehicle's `breaks`. */
  breakIndex: number;
  /** Number of stops served before the break (0 = before the first stop). */
  afterStop: number;
  startS: number;
  endS: number;
}

/** Why a job is not on any route. */
export type DropReason = 'skills' | 'capacity' | 'time_window' | 'shift' | 'max_distance' | 'break' | 'no_room' | 'penalty_cheaper';

export interface Route {
  vehicleIndex: number;
  vehicleId: string;
  stops: RouteStop[];
  /** Departure from the start location and arrival at the end location. */
  startS: number;
  endS: number;
  /** Goods on board when leaving the start (deliveries not part of a pair). */
  loadWeightG: number;
  loadVolumeCm3: number;
  loadPallets: number;
  breaks: RouteBreak[];
  distanceM: number;
  durationS: number;
  cost: number;
}

export interface RoutingSolution {
  routes: Route[];
  unassigned: { jobIndex: number; jobId: string; reason?: DropReason; penalty?: number }[];
  /** Sum of route costs (fixed + per km + per hour); unassigned jobs are not priced here. */
  cost: number;
  /** Sum of the drop penalties of unassigned optional jobs. */
  dropPenalty?: number;
  distanceM: number;
  durationS: number;
  vehiclesUsed: number;
  iterations: number;
  elapsedS: number;
}
