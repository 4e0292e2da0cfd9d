import type { z } from 'zod';

/** Domain events of the inventory context: `context.noun.pastVerb` → payload schema. */
export const inventoryEvents = {} satisfies Record<string, z.ZodType>;
