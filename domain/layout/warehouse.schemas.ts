import { z } from 'zod';

export const warehouseView = z.object({ id: z.string(), code: z.string(), name: z.string(), timezone: z.string() });
export const createWarehouseBody = z.object({
  code: z.string().regex(/^[A-Z0-9_-]{1,16}$/, 'uppercase letters, digits, dash, underscore; up to 16'),
  name: z.string().min(1).max(100),
  timezone: z.string().min(1).max(64).default('UTC'),
});
export const postNoteBody = z.object({ text: z.string().min(1).max(500) });
