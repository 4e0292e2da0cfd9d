import { z } from 'zod';
import { amountField, toMinor } from './money.js';
import { cleanNote, cleanText, countryCode, normalizePhone } from './text.js';
import { describeIssues, isoDate, MAX_LINE_QTY, NotAnOrder, priorityOf, type Address, type NormalizedOrder } from './normalized-order.js';

/** The parts of a WooCommerce REST v3 order (the `order.*` webhook body) we read. */
const money = amountField.nullish();
const wcAddress = z
  .object({
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    company: z.string().nullish(),
    address_1: z.string().nullish(),
    address_2: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    postcode: z.string().nullish(),
    country: z.string().nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .passthrough();
export const wooOrderSchema = z
  .object({
    id: z.union([z.number(), z.string()]),
    number: z.union([z.string(), z.number()]).nullish(),
    status: z.string(),
    currency: z.string().length(3),
    date_created_gmt: z.string().nullish(),
    date_modified_gmt: z.string().nullish(),
    discount_total: money,
    shipping_total: money,
    total: money,
    total_tax: money,
    customer_id: z.union([z.number(), z.string()]).nullish(),
    customer_note: z.string().nullish(),
    billing: wcAddress.nullish(),
    shipping: wcAddress.nullish(),
    meta_data: z.array(z.object({ key: z.string(), value: z.unknown() }).passthrough()).nullish(),
    fee_lines: z.array(z.object({ total: money }).passthrough()).nullish(),
    shipping_lines: z.array(z.object({ method_title: z.string().nullish(), method_id: z.string().nullish() }).passthrough()).nullish(),
    line_items: z
      .array(
        z
          .object({
            id: z.union([z.number(), z.string()]).nullish(),
            sku: z.string().nullish(),
            product_id: z.union([z.number(), z.string()]).nullish(),
            variation_id: z.union([z.number(), z.string()]).nullish(),
            name: z.string().nullish(),
            quantity: z.number().int().max(MAX_LINE_QTY),
            subtotal: money,
            total: money,
            price: money,
          })
          .passthrough(),
      )
      .min(1, 'an order needs at least one line item'),
  })
  .passthrough();

function addr(a: z.infer<typeof wcAddress> | null | undefined, fallbackEmail?: string | null, fallbackPhone?: string | null): Address {
  if (!a) return {};
  return {
    name: cleanText([a.first_name, a.last_name].filter(Boolean).join(' ')),
    company: cleanText(a.company),
    address1: cleanText(a.address_1),
    address2: cleanText(a.address_2),
    city: cleanText(a.city),
    province: cleanText(a.state),
    provinceCode: cleanText(a.state, 10),
    postcode: cleanText(a.postcode, 20),
    countryCode: countryCode(a.country, a.country),
    phone: normalizePhone(a.phone || fallbackPhone),
    email: cleanText(a.email || fallbackEmail, 254),
  };
}

// WooCommerce statuses that mean the shop no longer wants the order shipped.
const CANCELLED = new Set(['cancelled', 'refunded', 'failed', 'trash']);

/**
 * Whether a WooCommerce body can become an order, without building it (the schema; its issues name the field). Throws
 * NotAnOrder. The webhook edge refuses with this alone (422); `mapWooOrder` starts with it.
 */
export function checkWooOrder(body: unknown): z.infer<typeof wooOrderSchema> {
  const p = wooOrderSchema.safeParse(body);
  if (!p.success) throw new NotAnOrder(`not a WooCommerce order: ${describeIssues(p.error)}`);
  return p.data;
}

/** WooCommerce order JSON → normalized order; throws NotAnOrder with the reason when it is not one. */
export function mapWooOrder(body: unknown): NormalizedOrder {
  const o = checkWooOrder(body);
  const cur = o.currency.toUpperCase();
  const shippingMethod = cleanText(o.shipping_lines?.[0]?.method_title ?? o.shipping_lines?.[0]?.method_id ?? undefined);
  const meta = (key: string) => o.meta_data?.find((m) => m.key === key)?.value;
  const tagsMeta = meta('_dockside_tags');
  const tags =
    typeof tagsMeta === 'string'
      ? tagsMeta
          .split(',')
          .map((t) => cleanText(t, 60))
          .filter((t): t is string => !!t)
      : [];
  // An empty shipping block (virtual goods, or a theme that hides it) falls back to billing.
  const shipTo =
    o.shipping && (o.shipping.address_1 || o.shipping.city) ? addr(o.shipping, o.billing?.email, o.billing?.phone) : addr(o.billing);
  const lines = o.line_items
    .filter((l) => l.quantity > 0)
    .map((l) => {
      const subtotal = toMinor(l.subtotal, cur);
      const total = toMinor(l.total, cur);
      return {
        externalLineId: l.id != null ? String(l.id) : undefined,
        sku: cleanText(l.sku, 100),
        externalRef:
          l.variation_id && String(l.variation_id) !== '0'
            ? String(l.variation_id)
            : l.product_id != null
              ? String(l.product_id)
              : undefined,
        name: cleanText(l.name) ?? '',
        qty: l.quantity,
        unitPriceMinor: l.price != null ? toMinor(l.price, cur) : Math.round(subtotal / l.quantity),
        discountMinor: Math.max(0, subtotal - total),
      };
    });
  // Subtotal after line discounts, as Shopify's subtotal_price: total = subtotal + shipping + tax.
  const subtotalMinor =
    o.line_items.reduce((s, l) => s + toMinor(l.total, cur), 0) + (o.fee_lines ?? []).reduce((s, f) => s + toMinor(f.total, cur), 0);
  const totalMinor = toMinor(o.total, cur);
  return {
    externalId: String(o.id),
    externalNumber: o.number != null ? String(o.number) : undefined,
    cancelled: CANCELLED.has(o.status),
    cancelReason: CANCELLED.has(o.status) ? `WooCommerce status ${o.status}` : undefined,
    customer: {
      externalId: o.customer_id != null && String(o.customer_id) !== '0' ? String(o.customer_id) : undefined,
      email: cleanText(o.billing?.email, 254),
      name: cleanText([o.billing?.first_name, o.billing?.last_name].filter(Boolean).join(' ')),
      phone: normalizePhone(o.billing?.phone),
    },
    shipTo,
    shippingMethod,
    promiseDate: isoDate(meta('_delivery_date') ?? meta('delivery_date')),
    priority: priorityOf(shippingMethod, tags),
    currency: cur,
    subtotalMinor,
    shippingMinor: toMinor(o.shipping_total, cur),
    taxMinor: toMinor(o.total_tax, cur),
    discountMinor: toMinor(o.discount_total, cur),
    totalMinor,
    tags,
    notes: cleanNote(o.customer_note),
    createdAt: isoDate(o.date_created_gmt),
    updatedAt: isoDate(o.date_modified_gmt),
    lines,
  };
}
