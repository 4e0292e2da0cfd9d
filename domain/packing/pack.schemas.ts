import { z } from 'zod';
import { packSessionLifecycle } from './pack-session.lifecycle.js';

export const startPackBody = z.object({ stationCode: z.string().min(1).max(40), toteScan: z.string().min(1).max(200) });
export const verifyScanBody = z.object({ itemScan: z.string().min(1).max(400), qty: z.number().int().min(1).max(10_000).default(1) });
export const packBody = z.object({
  /** The packer's override of the proposal: box per carton and what goes in it. Omitted = the proposal. */
  cartons: z
    .array(
      z.object({ boxCode: z.string().min(1).max(40), items: z.array(z.object({ skuId: z.uuid(), qty: z.number().int().min(1) })).min(1) }),
    )
    .min(1)
    .max(50)
    .optional(),
  /** Scale weight of each carton, in carton order. */
  weightsG: z.array(z.number().int().min(0).max(1_000_000)).min(1).max(50),
});
export type PackInput = z.infer<typeof packBody>;

const cartonProposal = z.object({
  boxCode: z.string(),
  items: z.array(z.object({ skuId: z.string(), skuCode: z.string(), qty: z.number().int() })),
  expectedWeightG: z.number().int(),
  fillRate: z.number(),
  voidFillMm3: z.number(),
});
export type CartonProposal = z.infer<typeof cartonProposal>;

export const packSessionView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  orderId: z.string(),
  stationCode: z.string(),
  status: packSessionLifecycle.schema,
  toteCodes: z.array(z.string()),
  items: z.array(z.object({ skuId: z.string(), skuCode: z.string(), qtyExpected: z.number().int(), qtyVerified: z.number().int() })),
  proposal: z
    .object({ cartons: z.array(cartonProposal), unpacked: z.array(z.object({ skuId: z.string(), reason: z.string() })) })
    .nullable(),
  shipmentIds: z.array(z.string()),
});
export type PackSessionView = z.infer<typeof packSessionView>;

export const packSettingsBody = z.object({
  weightTolerancePct: z.number().min(0).max(100),
  weightToleranceMinG: z.number().int().min(0).max(100_000),
  minSupportRatio: z.number().min(0).max(1).default(0.5),
});
