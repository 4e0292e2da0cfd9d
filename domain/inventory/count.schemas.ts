/** The count task view, zod only, so the handheld console can take its type without reaching the inventory services. */
import { z } from 'zod';

export const countTaskView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  kind: z.string(),
  locationId: z.string(),
  locationCode: z.string(),
  skuId: z.string().nullable(),
  blind: z.boolean(),
  status: z.string(),
  round: z.number(),
  varianceThresholdPct: z.number(),
  varianceThresholdQty: z.number(),
  createdAt: z.string(),
  countedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  expected: z
    .array(
      z.object({
        skuId: z.string(),
        skuCode: z.string(),
        lot: z.string().nullable(),
        expiry: z.string().nullable(),
        lpnId: z.string().nullable(),
        qty: z.number(),
      }),
    )
    .optional(),
  lines: z
    .array(
      z.object({
        round: z.number(),
        skuId: z.string(),
        lot: z.string().nullable(),
        expiry: z.string().nullable(),
        lpnId: z.string().nullable(),
        expectedQty: z.number(),
        countedQty: z.number(),
      }),
    )
    .optional(),
});
export type CountTaskView = z.infer<typeof countTaskView>;
