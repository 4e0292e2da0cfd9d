import { z } from 'zod';

/** The one order model every storefront payload is mapped into before import (money in minor units). */
export const address = z.object({
  name: z.string().optional(),
  company: z.string().optional(),
  address1: z.string().optional(),
  address2: z.string().optional(),
  city: z.string().optional(),
  province: z.string().optional(),
  provinceCode: z.string().optional(),
  postcode: z.string().optional(),
  countryCode: z.string().length(2).optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  /** Coordinates when the storefront geocoded the address (Shopify does); used for own-fleet delivery areas. */
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
});
export type Address = z.infer<typeof address>;

/**
 * The largest quantity one order line may carry, from any source. A storefront payload beyond it is refused at
 * the webhook edge (422, dead-lettered): otherwise it would fail the import (integer columns) on every retry.
 */
export const MAX_LINE_QTY = 100_000;

export const normalizedLine = z.object({
  externalLineId: z.string().optional(),
  sku: z.string().optional(),
  barcode: z.string().optional(),
  /** Storefront product/variant reference, matched against connector_sku_map. */
  externalRef: z.string().optional(),
  name: z.string(),
  qty: z.number().int().positive().max(MAX_LINE_QTY),
  unitPriceMinor: z.number().int(),
  discountMinor: z.number().int().default(0),
});
export type NormalizedLine = z.infer<typeof normalizedLine>;

export const normalizedOrder = z.object({
  externalId: z.string().min(1),
  externalNumber: z.string().optional(),
  cancelled: z.boolean(),
  cancelReason: z.string().optional(),
  customer: z.object({
    externalId: z.string().optional(),
    email: z.string().optional(),
    name: z.string().optional(),
    phone: z.string().optional(),
  }),
  shipTo: address,
  shippingMethod: z.string().optional(),
  promiseDate: z.string().optional(),
  priority: z.enum(['express', 'standard']),
  currency: z.string().length(3),
  subtotalMinor: z.number().int(),
  shippingMinor: z.number().int(),
  taxMinor: z.number().int(),
  discountMinor: z.number().int(),
  totalMinor: z.number().int(),
  tags: z.array(z.string()),
  notes: z.string().optional(),
  minShelfLifeDays: z.number().int().min(0).optional(),
  createdAt: z.string().optional(),
  /** Storefront's modification time: an update older than the stored one is ignored. */
  updatedAt: z.string().optional(),
  lines: z.array(normalizedLine),
});
export type NormalizedOrder = z.infer<typeof normalizedOrder>;

/** A payload that parses as JSON but is not an order we can import; `reason` is shown to the sender and the admin. */
export class NotAnOrder extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NotAnOrder';
  }
}

/** zod issues → one readable sentence. */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

const EXPRESS = /\b(express|overnight|next[ -]?day|same[ -]?day|priority|expedited)\b/i;

/** Express when the shipping method or a tag says so (a rule every storefront shares). */
export function priorityOf(shippingMethod: string | undefined, tags: string[]): 'express' | 'standard' {
  return (shippingMethod && EXPRESS.test(shippingMethod)) || tags.some((t) => EXPRESS.test(t)) ? 'express' : 'standard';
}

/** ISO timestamp of a storefront date; a zone-less value (WooCommerce *_gmt) is read as UTC. */
export function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const s = /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
