import { z } from 'zod';
import { taskView } from '../tasks/task.schemas.js';

/**
 * A putaway task as the handheld shows it (the answer to a pallet or item scan at the dock, POST /v1/putaway/claim):
 * where from, where to (and why), what. The API documents it, the service returns it and the console reads it.
 */
export const putawayWorkView = z.object({
  task: taskView,
  from: z.string().nullable(),
  proposed: z.string().nullable().describe('Location code to put it away at; null when no location fits (choose one, with a reason)'),
  why: z.array(z.string()),
  lpn: z.string().nullable(),
  sku: z.object({ id: z.string(), code: z.string(), name: z.string(), nameI18n: z.record(z.string(), z.string()) }).nullable(),
});
export type PutawayWork = z.infer<typeof putawayWorkView>;
