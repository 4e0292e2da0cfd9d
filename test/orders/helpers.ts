import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { sql } from '../../domain/shared/sql.js';
import { http, type TestSystem } from '../harness/context.js';
import type { TextCountRow } from '../harness/rows.js';

import type { IdRow } from '../../domain/shared/rows.js';

export const FIXTURES = new URL('../fixtures/storefront/', import.meta.url);

/** Raw bytes of a storefront fixture, exactly as stored. */
export function fixtureRaw(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

export function shopifyFixtures(): string[] {
  return readdirSync(new URL('shopify/', FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `shopify/${f}`);
}

export function sign(secret: string, raw: string | Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

/** POSTs a raw Shopify webhook (signed unless told otherwise). */
export async function postShopify(
  sys: TestSystem,
  connectorId: string,
  secret: string,
  raw: string,
  o: { topic?: string; webhookId?: string; signature?: string | null } = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-shopify-topic': o.topic ?? 'orders/create',
    'x-shopify-webhook-id': o.webhookId ?? randomUUID(),
    'x-shopify-shop-domain': 'test-shop.myshopify.com',
    'x-shopify-triggered-at': new Date().toISOString(),
  };
  if (o.signature !== null) headers['x-shopify-hmac-sha256'] = o.signature ?? sign(secret, raw);
  return http('POST', `${sys.url}/v1/webhooks/shopify/${connectorId}`, { raw, headers });
}

export async function postWoo(
  sys: TestSystem,
  connectorId: string,
  secret: string,
  raw: string,
  o: { topic?: string; deliveryId?: string } = {},
) {
  return http('POST', `${sys.url}/v1/webhooks/woocommerce/${connectorId}`, {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': o.topic ?? 'order.created',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': '12',
      'x-wc-webhook-delivery-id': o.deliveryId ?? randomUUID().replace(/-/g, ''),
      'x-wc-webhook-signature': sign(secret, raw),
    },
  });
}

export async function createConnector(sys: TestSystem, token: string, body: Record<string, unknown>) {
  const r = await http('POST', `${sys.url}/v1/connectors`, { token, body: { warehouseId: sys.wh1, ...body } });
  if (r.status !== 201) throw new Error(`connector: ${r.status} ${r.text}`);
  return r.body as { id: string };
}

/** Polls until fn returns a truthy value (real workers run asynchronously). */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, what = 'condition', timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function count(sys: TestSystem, query: string, params: unknown[] = []): Promise<number> {
  const [r] = await sql<TextCountRow>(sys.rt.orm.em.fork(), query, params);
  return Number(r!.n);
}

/** Resolves once no webhook delivery of the connector is still waiting for the worker. */
export async function drained(sys: TestSystem, connectorId: string) {
  await waitFor(
    async () =>
      (await count(sys, `select count(*) as n from webhook_delivery where connector_id = ? and status = 'received'`, [connectorId])) === 0,
    'deliveries processed',
  );
}

/** A SKU with stock at a pick face of warehouse wh (through the ledger, as receiving would). */
export async function stockSku(
  sys: TestSystem,
  wh: string,
  code: string,
  qty: number,
  o: { barcode?: string; expiry?: string; lot?: string; locationCode?: string } = {},
) {
  const em = sys.rt.orm.em.fork();
  const { postMovement } = await import('../../domain/inventory/ledger.service.js');
  return em.transactional(async (tx) => {
    const [sku] = await sql<IdRow>(
      tx,
      `insert into sku (code, name, track_expiry, track_lot) values (?, ?, ?, ?) on conflict (code) do update set name = excluded.name returning id`,
      [code, code, !!o.expiry, !!o.lot],
    );
    if (o.barcode)
      await sql(tx, `insert into sku_barcode (barcode, sku_id, kind) values (?, ?, 'gtin13') on conflict do nothing`, [o.barcode, sku!.id]);
    const locCode = o.locationCode ?? `PF-${code}`.slice(0, 30);
    const [loc] = await sql<IdRow>(
      tx,
      `insert into location (warehouse_id, code, type) values (?, ?, 'pick_face') on conflict (warehouse_id, code) do update set code = excluded.code returning id`,
      [wh, locCode],
    );
    if (qty > 0) {
      await postMovement(tx, {
        warehouseId: wh,
        type: 'receipt',
        skuId: sku!.id,
        qty,
        to: { locationId: loc!.id, lot: o.lot ?? null, expiry: o.expiry ?? null },
      });
    }
    return { skuId: sku!.id, locationId: loc!.id };
  });
}
