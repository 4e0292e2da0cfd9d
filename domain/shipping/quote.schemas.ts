import { z } from 'zod';

export const parcelInput = z.object({
  lengthMm: z.number().int().min(1).max(10_000),
  widthMm: z.number().int().min(1).max(10_000),
  heightMm: z.number().int().min(1).max(10_000),
  weightG: z.number().int().min(1).max(5_000_000),
});

export const rateQuoteBody = z.object({
  warehouseId: z.uuid(),
  destination: z.object({
    postalCode: z.string().min(1).max(20),
    country: z.string().regex(/^[A-Za-z]{2}$/),
    residential: z.boolean().optional(),
    /** Extension: coordinates (else a postal-code centroid) decide own-fleet eligibility. */
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  }),
  parcels: z.array(parcelInput).min(1).max(50),
  /** The day the parcels are ready; omitted = now (the service cut-off then applies). */
  shipDate: z.iso.date().optional(),
  promiseDate: z.iso.date().optional(),
  /** Extensions: goods that need a cold-chain-capable service, and the declared value (high-value limits). */
  perishable: z.boolean().optional(),
  declaredValueMinor: z.number().int().min(0).optional(),
  /** Extension: the longest the goods may travel (perishables), in transit days. */
  maxTransitDays: z.number().int().min(0).max(60).optional(),
});
export type RateQuoteInput = z.infer<typeof rateQuoteBody>;

export const priceLine = z.object({
  kind: z.string(),
  amountMinor: z.number().int(),
  parcel: z.number().int().optional(),
  detail: z.string().optional(),
});

export const quoteView = z.object({
  carrier: z.string(),
  service: z.string(),
  mode: z.string(),
  zone: z.string(),
  billableWeightG: z.number().int(),
  dimWeightG: z.number().int(),
  total: z.object({ amountMinor: z.number().int(), currency: z.string() }),
  lines: z.array(priceLine),
  shipDate: z.string(),
  transitDays: z.number().int(),
  estimatedDelivery: z.string(),
  meetsPromise: z.boolean().nullable(),
  rateCard: z.object({ id: z.string(), version: z.number().int() }),
  /** Days the carrier is counted late against a promise (its scorecard is below the warehouse's on-time bar). */
  riskDays: z.number().int(),
});
export type QuoteView = z.infer<typeof quoteView>;

export const rateQuoteResponse = z.object({
  quotes: z.array(quoteView),
  chosen: z.object({ carrier: z.string(), service: z.string() }),
  reason: z.string(),
  late: z.boolean(),
  ineligible: z.array(z.object({ carrier: z.string(), service: z.string(), reason: z.string() })),
});
export type RateQuoteResponse = z.infer<typeof rateQuoteResponse>;
