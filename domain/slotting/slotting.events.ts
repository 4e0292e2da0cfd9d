import { z } from 'zod';

/** Domain events of slotting and replenishment: `context.noun.pastVerb` → payload schema. */
const id = z.string().min(1);

export const slottingEvents = {
  /**
   * A pick face needs stock and a replenish task now exists for it. Handhelds mark the face as
   * "someone is already replenishing this" from this event until the task's task.completed/cancelled.
   */
  'replenishment.requested': z.object({
    taskId: id,
    locationId: id,
    skuId: id,
    qty: z.number().int().positive(),
    fromLocationId: id,
    reason: z.enum(['below_min', 'wave_demand', 'short_pick']),
    emergency: z.boolean(),
  }),
  /**
   * The nightly velocity run reclassified the warehouse's SKUs (ABC by picks, cube-per-order index). The slotting
   * queue reacts by computing re-slotting proposals from the new figures; supervisors see it live.
   */
  'slotting.velocity_computed': z.object({
    runId: id,
    windowDays: z.number().int().positive(),
    skus: z.number().int().nonnegative(),
    a: z.number().int().nonnegative(),
    b: z.number().int().nonnegative(),
    c: z.number().int().nonnegative(),
    picks: z.number().int().nonnegative(),
  }),
} satisfies Record<string, z.ZodType>;
