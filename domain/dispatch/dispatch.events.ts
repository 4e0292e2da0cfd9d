import type { z } from 'zod';

/** Domain events of the dispatch context: `context.noun.pastVerb` → payload schema. */
export const dispatchEvents = {} satisfies Record<string, z.ZodType>;
