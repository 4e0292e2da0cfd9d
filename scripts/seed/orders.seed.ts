import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../../platform/config.js';
import { sealSecret, keyRing } from '../../domain/orders/secret-box.js';
import { importOrder } from '../../domain/orders/order-import.service.js';
import type { NormalizedOrder } from '../../domain/orders/normalize/normalized-order.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { DEMO_WAREHOUSE_ID } from './identity.seed.js';
import { rng } from './rng.js';
import type { SkuRow } from '../../domain/catalog/entities/sku.entity.js';

/** Fixed id so the demo webhook URL is stable: POST /v1/webhooks/shopify/<DEMO_CONNECTOR_ID>. */
export const DEMO_CONNECTOR_ID = '00000000-0000-4000-8000-0000000000c1';
/** Demo-only shared secret (the webhook HMAC key of the demo connector). */
export const DEMO_WEBHOOK_SECRET = 'demo-shopify-webhook-secret';

const CITIES: [string, string, string, string][] = [
  ['Amsterdam', '1015 CJ', 'NL', 'Keizersgracht'],
  ['Rotterdam', '3011 AD', 'NL', 'Coolsingel'],
  ['Utrecht', '3511 LX', 'NL', 'Oudegracht'],
  ['Antwerpen', '2000', 'BE', 'Meir'],
  ['Köln', '50667', 'DE', 'Hohe Straße'],
  ['Düsseldorf', '40213', 'DE', 'Königsallee'],
  ['Paris', '75004', 'FR', 'Rue de Rivoli'],
  ['København', '1050', 'DK', 'Strøget'],
  ['Kraków', '31-042', 'PL', 'Rynek Główny'],
];
const NAMES = [
  'Anna de Vries',
  'Jürgen Müller',
  'Zoë Ørsted',
  'Łukasz Nowak',
  'Sophie Martin',
  'Daan Jansen',
  'Émile Dubois',
  'Sanne Bakker',
  '山田 花子',
  'Fatima El Amrani',
];

/** A demo Shopify connector and ~200 orders for the demo warehouse (deterministic: seed 4). */
export async function seedOrders(em: EntityManager): Promise<boolean> {
  if (await sqlOne(em, 'select 1 from connector where id = ?', [DEMO_CONNECTOR_ID])) return false;
  if (!(await sqlOne(em, 'select 1 from warehouse where id = ?', [DEMO_WAREHOUSE_ID]))) return false;
  const ring = keyRing(loadConfig().SECRETS_KEY);
  await sql(
    em,
    `insert into connector (id, warehouse_id, kind, name, shop_domain, sku_mapping, webhook_secret_enc, poll_enabled, min_shelf_life_days)
    values (?, ?, 'shopify', 'Demo Shopify store', 'dockside-demo.myshopify.com', 'sku', ?, false, 0)`,
    [DEMO_CONNECTOR_ID, DEMO_WAREHOUSE_ID, sealSecret(ring, DEMO_WEBHOOK_SECRET, `connector:${DEMO_CONNECTOR_ID}:webhook_secret`)],
  );
  // Prefer SKUs the inventory seed stocked; fall back to any SKU (orders then wait as backorders).
  let skus = await sql<Pick<SkuRow, 'code'>>(
    em,
    `select s.code from sku s where s.active and exists (select 1 from stock_balance b where b.sku_id = s.id and b.warehouse_id = ? and b.on_hand > 0) order by s.code limit 60`,
    [DEMO_WAREHOUSE_ID],
  );
  if (!skus.length) skus = await sql<Pick<SkuRow, 'code'>>(em, 'select code from sku where active order by code limit 60');
  const r = rng(4);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const base = Date.UTC(2026, 10, 24, 6, 0, 0);
  for (let i = 0; i < 200; i++) {
    const [city, postcode, country, street] = pick(CITIES);
    const name = pick(NAMES);
    const express = r() < 0.12;
    const lineCount = 1 + Math.floor(r() * 4);
    const lines: NormalizedOrder['lines'] = [];
    for (let l = 0; l < lineCount; l++) {
      // Two orders carry a storefront SKU nobody mapped yet: they show the on_hold exception flow.
      const sku = i % 97 === 13 && l === 0 ? 'STORE-ONLY-SKU' : skus.length ? pick(skus).code : 'STORE-ONLY-SKU';
      lines.push({
        externalLineId: `${i}-${l}`,
        sku,
        name: sku,
        qty: 1 + Math.floor(r() * 3),
        unitPriceMinor: 500 + Math.floor(r() * 5000),
        discountMinor: 0,
      });
    }
    const subtotal = lines.reduce((s, l) => s + l.unitPriceMinor * l.qty, 0);
    const shipping = express ? 1495 : 495;
    const at = new Date(base + i * 7 * 60_000).toISOString();
    const order: NormalizedOrder = {
      externalId: String(7_000_000 + i),
      externalNumber: `#D${1000 + i}`,
      cancelled: i % 50 === 49,
      cancelReason: i % 50 === 49 ? 'customer' : undefined,
      customer: { externalId: String(9000 + (i % 37)), email: `customer${i % 37}@example.com`, name },
      shipTo: { name, address1: `${street} ${1 + Math.floor(r() * 200)}`, city, postcode, countryCode: country },
      shippingMethod: express ? 'DHL Express' : 'PostNL Standard',
      promiseDate: express ? new Date(base + (i * 7 + 24 * 60) * 60_000).toISOString() : undefined,
      priority: express ? 'express' : 'standard',
      currency: 'EUR',
      subtotalMinor: subtotal,
      shippingMinor: shipping,
      taxMinor: 0,
      discountMinor: 0,
      totalMinor: subtotal + shipping,
      tags: express ? ['express'] : [],
      notes: i % 9 === 0 ? 'Bitte beim Nachbarn abgeben / leave with neighbour' : undefined,
      createdAt: at,
      updatedAt: at,
      lines,
    };
    await importOrder(em, {
      connector: { id: DEMO_CONNECTOR_ID, warehouse_id: DEMO_WAREHOUSE_ID, sku_mapping: 'sku', min_shelf_life_days: 0 },
      warehouseId: DEMO_WAREHOUSE_ID,
      source: 'shopify',
      order,
    });
  }
  return true;
}
