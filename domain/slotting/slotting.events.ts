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
} satisfies Record<string, z.ZodType>;
