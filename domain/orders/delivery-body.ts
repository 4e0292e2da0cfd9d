/**
 * What a storefront delivery means, read in one place: the webhook edge reads a body to refuse what can
 * never become an order (400/422 and a dead letter, before anything is stored), and the importer reads the
 * stored body again to act on it. Both go through `readDeliveryBody`, so they cannot disagree. Pure.
 */
import { mapShopifyOrder } from './normalize/shopify.mapper.js';
import { mapWooOrder } from './normalize/woocommerce.mapper.js';
import { NotAnOrder, type NormalizedOrder } from './normalize/normalized-order.js';

/** What a webhook topic means for us. */
export type TopicAction = 'import' | 'delete' | 'ignore' | 'unknown';

const SHOPIFY: Record<string, TopicAction> = {
  'orders/create': 'import',
  'orders/updated': 'import',
  'orders/cancelled': 'import',
  'orders/paid': 'import',
  'orders/edited': 'ignore',
  'orders/fulfilled': 'ignore',
  'orders/partially_fulfilled': 'ignore',
  'orders/delete': 'delete',
};
const WOO: Record<string, TopicAction> = {
  'order.created': 'import',
  'order.updated': 'import',
  'order.restored': 'import',
  'order.deleted': 'delete',
};

/** The action for a storefront's topic header (pure). */
export function topicAction(kind: 'shopify' | 'woocommerce', topic: string | undefined): TopicAction {
  if (!topic) return 'unknown';
  return (kind === 'shopify' ? SHOPIFY : WOO)[topic] ?? 'unknown';
}

/** Maps a body by storefront kind; throws NotAnOrder. */
export function mapByKind(kind: 'shopify' | 'woocommerce' | 'api', body: unknown): NormalizedOrder {
  if (kind === 'shopify') return mapShopifyOrder(body);
  if (kind === 'woocommerce') return mapWooOrder(body);
  throw new NotAnOrder('api connectors receive orders through POST /v1/orders');
}

/** Validates a deletion body: it needs the order id. */
export function deletedOrderId(body: unknown): string {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' && typeof id !== 'string') throw new NotAnOrder('a deletion needs the order id');
  return String(id);
}

/** A delivery body read for its action: the order (or the deleted order's id), or why it can never be one. */
export type DeliveryBody =
  | { ok: true; action: 'import'; order: NormalizedOrder }
  | { ok: true; action: 'delete'; externalId: string }
  | { ok: false; malformedJson: boolean; reason: string };

/** Parses and maps a raw body for an 'import' or 'delete' action; never throws for a bad body. */
export function readDeliveryBody(kind: 'shopify' | 'woocommerce' | 'api', action: 'import' | 'delete', raw: string): DeliveryBody {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    return { ok: false, malformedJson: true, reason: `Body is not valid JSON: ${(err as Error).message}` };
  }
  try {
    return action === 'delete'
      ? { ok: true, action, externalId: deletedOrderId(body) }
      : { ok: true, action, order: mapByKind(kind, body) };
  } catch (err) {
    if (err instanceof NotAnOrder) return { ok: false, malformedJson: false, reason: err.reason };
    throw err;
  }
}
