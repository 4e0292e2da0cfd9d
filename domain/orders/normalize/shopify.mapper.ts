import { z } from 'zod';
import { amountField, toMinor } from './money.js';
import { cleanNote, cleanText, countryCode, normalizePhone } from './text.js';
import { describeIssues, isoDate, MAX_LINE_QTY, NotAnOrder, priorityOf, type Address, type NormalizedOrder } from './normalized-order.js';

/** The parts of a Shopify REST Order (webhook `orders/*` body, Admin API 2024+) we read; the rest passes through. */
const money = amountField.nullish();
const shopifyAddress = z
  .object({
    name: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    province: z.string().nullish(),
    province_code: z.string().nullish(),
    zip: z.string().nullish(),
    country: z.string().nullish(),
    country_code: z.string().nullish(),
    phone: z.string().nullish(),
    latitude: z.union([z.number(), z.string()]).nullish(),
    longitude: z.union([z.number(), z.string()]).nullish(),
  })
  .passthrough();
export const shopifyOrderSchema = z
  .object({
    id: z.union([z.number(), z.string()]),
    name: z.string().nullish(),
    order_number: z.union([z.number(), z.string()]).nullish(),
    currency: z.string().length(3),
    email: z.string().nullish(),
    phone: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    cancelled_at: z.string().nullish(),
    cancel_reason: z.string().nullish(),
    subtotal_price: money,
    total_price: money,
    total_tax: money,
    total_discounts: money,
    total_shipping_price_set: z.object({ shop_money: z.object({ amount: money }) }).nullish(),
    tags: z.string().nullish(),
    note: z.string().nullish(),
    note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() })).nullish(),
    customer: z
      .object({
        id: z.union([z.number(), z.string()]).nullish(),
        email: z.string().nullish(),
        first_name: z.string().nullish(),
        last_name: z.string().nullish(),
        phone: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
    shipping_address: shopifyAddress.nullish(),
    billing_address: shopifyAddress.nullish(),
    shipping_lines: z.array(z.object({ title: z.string().nullish(), code: z.string().nullish(), price: money }).passthrough()).nullish(),
    line_items: z
      .array(
        z
          .object({
            id: z.union([z.number(), z.string()]).nullish(),
            sku: z.string().nullish(),
            variant_id: z.union([z.number(), z.string()]).nullish(),
            product_id: z.union([z.number(), z.string()]).nullish(),
            name: z.string().nullish(),
            title: z.string().nullish(),
            quantity: z.number().int().max(MAX_LINE_QTY),
            current_quantity: z.number().int().max(MAX_LINE_QTY).nullish(),
            price: money,
            total_discount: money,
            requires_shipping: z.boolean().nullish(),
            discount_allocations: z.array(z.object({ amount: money })).nullish(),
          })
          .passthrough(),
      )
      .min(1, 'an order needs at least one line item'),
  })
  .passthrough();

function addr(a: z.infer<typeof shopifyAddress> | null | undefined, email?: string | null): Address {
  if (!a) return {};
  return {
    name: cleanText(a.name ?? [a.first_name, a.last_name].filter(Boolean).join(' ')),
    company: cleanText(a.company),
    address1: cleanText(a.address1),
    address2: cleanText(a.address2),
    city: cleanText(a.city),
    province: cleanText(a.province),
    provinceCode: cleanText(a.province_code, 10),
    postcode: cleanText(a.zip, 20),
    countryCode: countryCode(a.country_code, a.country),
    phone: normalizePhone(a.phone),
    email: cleanText(email ?? undefined, 254),
    ...coords(a.latitude, a.longitude),
  };
}

/** Shopify's geocoded point, kept only when it is a real coordinate (0,0 and out-of-range values are dropped). */
function coords(latIn: number | string | null | undefined, lngIn: number | string | null | undefined): { lat?: number; lng?: number } {
  if (latIn == null || lngIn == null || latIn === '' || lngIn === '') return {};
  const lat = Number(latIn);
  const lng = Number(lngIn);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180 || (lat === 0 && lng === 0)) return {};
  return { lat, lng };
}

export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

/** A shipped line's quantity: current_quantity reflects edits and removals after checkout (Admin API 2023-01+). */
const shipQty = (l: ShopifyOrder['line_items'][number], cancelled: boolean) =>
  l.requires_shipping === false ? 0 : cancelled ? l.quantity : (l.current_quantity ?? l.quantity);

/**
 * Whether a Shopify body can become an order, without building it: the schema (its issues name the field) and the one
 * rule beyond it. Throws NotAnOrder. The webhook edge refuses with this alone (422); `mapShopifyOrder` starts with it,
 * so the two cannot disagree.
 */
export function checkShopifyOrder(body: unknown): ShopifyOrder {
  const p = shopifyOrderSchema.safeParse(body);
  if (!p.success) throw new NotAnOrder(`not a Shopify order: ${describeIssues(p.error)}`);
  const o = p.data;
  if (!o.cancelled_at && !o.line_items.some((l) => shipQty(l, false) > 0))
    throw new NotAnOrder('the order has no line item that needs shipping');
  return o;
}

/** Shopify order JSON → normalized order; throws NotAnOrder with the reason when it is not one. */
export function mapShopifyOrder(body: unknown): NormalizedOrder {
  const o = checkShopifyOrder(body);
  const cur = o.currency.toUpperCase();
  const tags = (o.tags ?? '')
    .split(',')
    .map((t) => cleanText(t, 60))
    .filter((t): t is string => !!t);
  const ship = o.shipping_lines?.[0];
  const shippingMethod = cleanText(ship?.title ?? ship?.code ?? undefined);
  const attr = (name: string) => o.note_attributes?.find((a) => a.name.toLowerCase() === name)?.value;
  const cancelled = !!o.cancelled_at;
  const lines = o.line_items
    // A cancelled order keeps its original quantities so the record still shows what was ordered.
    .map((l) => ({ l, qty: shipQty(l, cancelled) }))
    .filter(({ qty }) => qty > 0)
    .map(({ l, qty }) => ({
      externalLineId: l.id != null ? String(l.id) : undefined,
      sku: cleanText(l.sku, 100),
      externalRef: l.variant_id != null ? String(l.variant_id) : l.product_id != null ? String(l.product_id) : undefined,
      name: cleanText(l.name ?? l.title) ?? '',
      qty,
      unitPriceMinor: toMinor(l.price, cur),
      // discount_allocations carry order-level discounts spread over lines; total_discount is the legacy field.
      discountMinor: l.discount_allocations?.length
        ? l.discount_allocations.reduce((s, d) => s + toMinor(d.amount, cur), 0)
        : toMinor(l.total_discount, cur),
    }));
  return {
    externalId: String(o.id),
    externalNumber: cleanText(o.name ?? (o.order_number != null ? String(o.order_number) : undefined), 40),
    cancelled,
    cancelReason: cleanText(o.cancel_reason),
    customer: {
      externalId: o.customer?.id != null ? String(o.customer.id) : undefined,
      email: cleanText(o.customer?.email ?? o.email, 254),
      name: cleanText([o.customer?.first_name, o.customer?.last_name].filter(Boolean).join(' ')),
      phone: normalizePhone(o.customer?.phone ?? o.phone),
    },
    shipTo: addr(o.shipping_address ?? o.billing_address, o.email),
    shippingMethod,
    promiseDate: isoDate(attr('promise_date') ?? attr('delivery_date')),
    priority: priorityOf(shippingMethod, tags),
    currency: cur,
    subtotalMinor: toMinor(o.subtotal_price, cur),
    shippingMinor: toMinor(
      o.total_shipping_price_set?.shop_money.amount ?? (o.shipping_lines ?? []).reduce((s, l) => s + Number(l.price ?? 0), 0).toFixed(2),
      cur,
    ),
    taxMinor: toMinor(o.total_tax, cur),
    discountMinor: toMinor(o.total_discounts, cur),
    totalMinor: toMinor(o.total_price, cur),
    tags,
    notes: cleanNote(o.note),
    createdAt: isoDate(o.created_at),
    updatedAt: isoDate(o.updated_at),
    lines,
  };
}
