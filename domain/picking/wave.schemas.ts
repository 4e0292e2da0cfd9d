import { cursorParam } from '../shared/cursor.js';
import { z } from 'zod';
import { waveLifecycle } from './wave.lifecycle.js';

export const pickModeSchema = z.enum(['discrete', 'batch', 'zone']);

export const waveTemplateBody = z.object({
  name: z.string().min(1).max(80),
  carrierCodes: z.array(z.string().min(1).max(40)).max(20).default([]),
  serviceCodes: z.array(z.string().min(1).max(60)).max(20).default([]),
  zoneIds: z.array(z.uuid()).max(50).default([]),
  orderProfile: z.enum(['any', 'single_line', 'multi_line']).default('any'),
  /** Only orders whose promise (carrier cut-off) is within this many seconds. */
  cutoffWithinS: z
    .number()
    .int()
    .positive()
    .max(30 * 86400)
    .nullable()
    .default(null),
  maxOrders: z.number().int().min(1).max(5000).default(200),
  pickMode: pickModeSchema.default('batch'),
  cartSlots: z.number().int().min(1).max(64).default(8),
  /** Waveless order streaming: the scheduler releases matching orders continuously. */
  streaming: z.boolean().default(false),
  /** Scheduled release every N seconds (or streaming cadence). */
  releaseEveryS: z.number().int().min(10).max(86400).nullable().default(null),
  priority: z.number().int().min(0).max(1000).default(50),
});
export type WaveTemplateInput = z.infer<typeof waveTemplateBody>;

export const waveTemplateView = waveTemplateBody.extend({
  id: z.string(),
  warehouseId: z.string(),
  active: z.boolean(),
  nextReleaseAt: z.string().nullable(),
});
export type WaveTemplateView = z.infer<typeof waveTemplateView>;

export const planWaveBody = z.object({
  templateId: z.uuid().optional(),
  /** Pick exactly these orders (else every allocated order the template takes). */
  orderIds: z.array(z.uuid()).max(5000).optional(),
  pickMode: pickModeSchema.optional(),
  cartSlots: z.number().int().min(1).max(64).optional(),
  maxOrders: z.number().int().min(1).max(5000).optional(),
  priority: z.number().int().min(0).max(1000).optional(),
  /** Plan and release in one call. */
  release: z.boolean().default(false),
});
export type PlanWaveInput = z.infer<typeof planWaveBody>;

export const waveView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  number: z.number().int(),
  templateId: z.string().nullable(),
  status: waveLifecycle.schema,
  pickMode: pickModeSchema,
  cartSlots: z.number().int(),
  streaming: z.boolean(),
  priority: z.number().int(),
  orderIds: z.array(z.string()),
  taskIds: z.array(z.string()),
  allocationLog: z.array(z.object({ orderId: z.string(), included: z.boolean(), reason: z.string() })),
  createdAt: z.string(),
  releasedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});
export type WaveView = z.infer<typeof waveView>;

export const listWavesQuery = z.object({
  status: waveLifecycle.schema.optional(),
  cursor: cursorParam,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
