import { z } from 'zod';
import { cleanNote, cleanText, countryCode, normalizePhone } from './text.js';
import { isoDate, MAX_LINE_QTY, priorityOf, type NormalizedOrder } from './normalized-order.js';

/** Body of `POST /v1/orders` (API clients and custom storefronts). Money as decimal strings or minor units. */
export const genericOrderBody = z.object({
  warehouseId: z.uuid(),
  connectorId: z.uuid().optional(),
  externalId: z.string().min(1).max(100),
  externalNumber: z.string().max(40).optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  customer: z
    .object({
      externalId: z.string().max(100).optional(),
      email: z.string().max(254).optional(),
      name: z.string().max(200).optional(),
      phone: z.string().max(40).optional(),
    })
    .default({}),
  shipTo: z.object({
    name: z.string().max(200),
    company: z.string().max(200).optional(),
    address1: z.string().max(200),
    address2: z.string().max(200).optional(),
    city: z.string().max(100),
    province: z.string().max(100).optional(),
    postcode: z.string().max(20).optional(),
    country: z.string().min(2).max(60).describe('ISO 3166-1 alpha-2 code (or English name)'),
    phone: z.string().max(40).optional(),
    email: z.string().max(254).optional(),
  }),
  shippingMethod: z.string().max(100).optional(),
  promiseDate: z.iso.datetime({ offset: true }).optional(),
  priority: z.enum(['express', 'standard']).optional(),
  tags: z.array(z.string().max(60)).max(50).default([]),
  notes: z.string().max(2000).optional(),
  minShelfLifeDays: z.number().int().min(0).max(3650).optional(),
  shippingMinor: z.number().int().min(0).default(0),
  taxMinor: z.number().int().min(0).default(0),
  discountMinor: z.number().int().min(0).default(0),
  updatedAt: z.iso.datetime({ offset: true }).optional(),
  lines: z
    .array(
      z
        .object({
          externalLineId: z.string().max(100).optional(),
          sku: z.string().max(100).optional(),
          barcode: z.string().max(64).optional(),
          name: z.string().max(200).optional(),
          qty: z.number().int().min(1).max(MAX_LINE_QTY),
          unitPriceMinor: z.number().int().min(0).default(0),
          discountMinor: z.number().int().min(0).default(0),
        })
        .refine((l) => l.sku || l.barcode, 'each line needs a sku or a barcode'),
    )
    .min(1)
    .max(500),
});
export type GenericOrderBody = z.infer<typeof genericOrderBody>;

/** Generic order body → normalized order (the body is already schema-valid). Unknown country → undefined (held). */
export function mapGenericOrder(b: GenericOrderBody): NormalizedOrder {
  const cur = b.currency.toUpperCase();
  const tags = b.tags.map((t) => cleanText(t, 60)).filter((t): t is string => !!t);
  const shippingMethod = cleanText(b.shippingMethod);
  // Subtotal after discounts (Shopify's subtotal_price meaning): total = subtotal + shipping + tax.
  const subtotalMinor = b.lines.reduce((s, l) => s + l.unitPriceMinor * l.qty, 0) - b.discountMinor;
  return {
    externalId: b.externalId,
    externalNumber: cleanText(b.externalNumber, 40),
    cancelled: false,
    customer: {
      externalId: b.customer.externalId,
      email: cleanText(b.customer.email, 254),
      name: cleanText(b.customer.name),
      phone: normalizePhone(b.customer.phone),
    },
    shipTo: {
      name: cleanText(b.shipTo.name),
      company: cleanText(b.shipTo.company),
      address1: cleanText(b.shipTo.address1),
      address2: cleanText(b.shipTo.address2),
      city: cleanText(b.shipTo.city),
      province: cleanText(b.shipTo.province),
      postcode: cleanText(b.shipTo.postcode, 20),
      countryCode: countryCode(b.shipTo.country, b.shipTo.country),
      phone: normalizePhone(b.shipTo.phone),
      email: cleanText(b.shipTo.email, 254),
    },
    shippingMethod,
    promiseDate: isoDate(b.promiseDate),
    priority: b.priority ?? priorityOf(shippingMethod, tags),
    currency: cur,
    subtotalMinor,
    shippingMinor: b.shippingMinor,
    taxMinor: b.taxMinor,
    discountMinor: b.discountMinor,
    // discountMinor is the order's whole discount (line discounts included), as Shopify's total_discounts.
    totalMinor: subtotalMinor + b.shippingMinor + b.taxMinor,
    tags,
    notes: cleanNote(b.notes),
    minShelfLifeDays: b.minShelfLifeDays,
    updatedAt: isoDate(b.updatedAt),
    lines: b.lines.map((l) => ({
      externalLineId: l.externalLineId,
      sku: cleanText(l.sku, 100),
      barcode: cleanText(l.barcode, 64),
      name: cleanText(l.name) ?? '',
      qty: l.qty,
      unitPriceMinor: l.unitPriceMinor,
      discountMinor: l.discountMinor,
    })),
  };
}
