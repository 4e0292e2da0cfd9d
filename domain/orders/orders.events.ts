import type { z } from 'zod';

/** Domain events of the orders context: `context.noun.pastVerb` → payload schema. */
export const ordersEvents = {} satisfies Record<string, z.ZodType>;
