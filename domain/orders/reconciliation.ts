import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { ConnectorRow } from './connector.service.js';
import { recordDelivery } from './intake.service.js';

/**
 * The reconciliation poll: webhooks alone lose orders (WooCommerce never retries a failed delivery; Shopify gives
 * up after 8 tries in 4 h), so each connector also lists the store's orders modified since its cursor and feeds
 * them through the same idempotent delivery → import path. Pure helpers + the ingest step.
 */
export const POLL_OVERLAP_S = 300;
const SHOPIFY_API = '/admin/api/2024-10';

/** First page URL of the store's "orders modified since" listing. */
export function pollUrl(c: Pick<ConnectorRow, 'kind' | 'shop_domain' | 'site_url'>, sinceIso: string): string | undefined {
  if (c.kind === 'woocommerce' && c.site_url) {
    const u = new URL(`${c.site_url}/wp-json/wc/v3/orders`);
    u.search = new URLSearchParams({
      modified_after: sinceIso,
      dates_are_gmt: 'true',
      orderby: 'modified',
      order: 'asc',
      per_page: '100',
      page: '1',
      status: 'any',
    }).toString();
    return u.toString();
  }
  if (c.kind === 'shopify' && c.shop_domain) {
    const u = new URL(`https://${c.shop_domain}${SHOPIFY_API}/orders.json`);
    u.search = new URLSearchParams({ status: 'any', updated_at_min: sinceIso, limit: '250', order: 'updated_at asc' }).toString();
    return u.toString();
  }
  return undefined;
}

export class ForeignNextPage extends Error {}

/**
 * Next page: Shopify cursor pagination via the Link header; WooCommerce page numbers up to X-WP-TotalPages.
 * The storefront token travels with every page, so a `Link: next` leaving the shop's own origin (scheme, host,
 * port) is refused with ForeignNextPage instead of being followed.
 */
export function nextPollUrl(
  kind: ConnectorRow['kind'],
  url: string,
  headers: { link?: string; totalPages?: string },
  itemCount: number,
): string | undefined {
  if (kind === 'shopify') {
    const m = /<([^>]+)>;\s*rel="next"/.exec(headers.link ?? '');
    if (!m) return undefined;
    let next: URL;
    try {
      next = new URL(m[1]!, url);
    } catch {
      throw new ForeignNextPage(`poll: malformed Link next ${m[1]!.slice(0, 200)}`);
    }
    if (next.origin !== new URL(url).origin) throw new ForeignNextPage(`poll: Link next leaves the shop (${next.origin})`);
    return next.toString();
  }
  const u = new URL(url);
  const page = Number(u.searchParams.get('page') ?? '1');
  const total = headers.totalPages ? Number(headers.totalPages) : undefined;
  if (itemCount === 0 || (total !== undefined ? page >= total : itemCount < Number(u.searchParams.get('per_page') ?? '100')))
    return undefined;
  u.searchParams.set('page', String(page + 1));
  return u.toString();
}

/** The store's modification time of a listed order (ISO), for the delivery id and the cursor. */
export function modifiedAt(kind: ConnectorRow['kind'], o: Record<string, unknown>): string | undefined {
  const v = kind === 'shopify' ? o.updated_at : (o.date_modified_gmt ?? o.date_modified);
  if (typeof v !== 'string') return undefined;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * Records each polled order as a delivery keyed by (order id, modification time): a version already seen —
 * by webhook or an earlier poll — imports as "unchanged". Returns new delivery ids and the newest time seen.
 */
export async function ingestPolled(
  em: EntityManager,
  c: Pick<ConnectorRow, 'id' | 'kind'>,
  orders: Record<string, unknown>[],
): Promise<{ deliveryIds: string[]; newest?: string }> {
  const deliveryIds: string[] = [];
  let newest: string | undefined;
  for (const o of orders) {
    const at = modifiedAt(c.kind, o);
    if (o.id === undefined || o.id === null) continue;
    const d = await recordDelivery(em, {
      connectorId: c.id,
      source: 'poll',
      deliveryId: `poll:${String(o.id)}:${at ?? 'unknown'}`,
      topic: 'poll',
      rawBody: JSON.stringify(o),
    });
    if (d.inserted) deliveryIds.push(d.id);
    if (at && (!newest || at > newest)) newest = at;
  }
  return { deliveryIds, newest };
}

/** Advances the cursor (never backwards) and stamps the poll time. */
export async function advancePollCursor(em: EntityManager, connectorId: string, newest: string | undefined): Promise<void> {
  await sql(
    em,
    `update connector set last_polled_at = now(), poll_cursor = greatest(coalesce(poll_cursor, ?::timestamptz), coalesce(?::timestamptz, poll_cursor)) where id = ?`,
    [newest ?? null, newest ?? null, connectorId],
  );
}
