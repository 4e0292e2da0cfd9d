import type { z } from 'zod';

/** Domain events of the tasks context: `context.noun.pastVerb` → payload schema. */
export const tasksEvents = {} satisfies Record<string, z.ZodType>;
