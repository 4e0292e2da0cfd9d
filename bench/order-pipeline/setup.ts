/**
 * Data for the order-pipeline benchmark: one warehouse, one Shopify connector, SKUs with stock (some
 * expiry-tracked, in several lots, so FEFO has a choice) and Shopify `orders/create` bodies shaped like the
 * k6 intake scenario's (load-tests/intake.js). Deliveries are inserted the way the webhook ack path stores
 * them (a `webhook_delivery` row in status received), so the figure is the processing stage alone.
 */
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { pgArray, sql, sqlOne } from '../../domain/shared/sql.js';
import type { IdRow } from '../../domain/shared/rows.js';
import { withTx, type Orm } from '../../platform/db.js';
import { shopifyOrderJson } from '../lib/shopify-order.js';
import type { SkuRow } from '../../domain/catalog/entities/sku.entity.js';

export interface PipelineData {
  warehouseId: string;
  connectorId: string;
  /** SKU codes; index 0 is the hot SKU of the flash-sale variant. */
  skuCodes: string[];
}

export interface SetupOptions {
  skus: number;
  /** Units per stocked balance (each SKU has two balances; the hot SKU has `hotLots` lots). */
  unitsPerBalance: number;
  hotLots: number;
  hotUnitsPerLot: number;
}

/** Creates the warehouse, connector, SKUs and stock through the ledger (so the ledger audit holds). */
export async function setupPipeline(orm: Orm, o: SetupOptions): Promise<PipelineData> {
  const em = orm.em.fork();
  const wh = (await sqlOne<IdRow>(em, `insert into warehouse (code, name) values ('PIPE', 'Pipeline DC') returning id`))!.id;
  await sql(em, 'insert into event_stream (warehouse_id) values (?)', [wh]);
  const connectorId = (await sqlOne<IdRow>(
    em,
    `insert into connector (warehouse_id, kind, name, shop_domain, webhook_secret_enc, poll_enabled)
    values (?, 'shopify', 'bench', 'bench.myshopify.com', 'unused-by-the-bench', false) returning id`,
    [wh],
  ))!.id;
  // Every fifth SKU is expiry-tracked: its two balances get different expiries, so FEFO must pick the earlier.
  await sql(
    em,
    `insert into sku (code, name, track_lot, track_expiry) select 'P-' || n, 'Pipeline ' || n, n % 5 = 0, n % 5 = 0 from generate_series(0, ?) n`,
    [o.skus - 1],
  );
  await sql(
    em,
    `insert into location (warehouse_id, code, type) select ?, 'PL-' || n, case when n % 2 = 0 then 'pick_face' else 'reserve' end
    from generate_series(0, ?) n`,
    [wh, o.skus * 2 + o.hotLots],
  );
  const skus = await sql<Pick<SkuRow, 'id' | 'code' | 'track_expiry'>>(
    em,
    `select id, code, track_expiry from sku where code like 'P-%' order by (substr(code, 3))::int`,
  );
  const locs = await sql<IdRow>(em, 'select id from location where warehouse_id = ? order by (substr(code, 4))::int', [wh]);
  const receipts: Parameters<typeof postMovement>[1][] = [];
  skus.forEach((s, i) => {
    if (i === 0) {
      for (let l = 0; l < o.hotLots; l++)
        receipts.push({
          warehouseId: wh,
          type: 'receipt',
          skuId: s.id,
          qty: o.hotUnitsPerLot,
          to: { locationId: locs[o.skus * 2 + l]!.id, lot: `HOT-${l}`, expiry: `2027-0${1 + (l % 9)}-15` },
        });
      return;
    }
    for (let b = 0; b < 2; b++)
      receipts.push({
        warehouseId: wh,
        type: 'receipt',
        skuId: s.id,
        qty: o.unitsPerBalance,
        to: {
          locationId: locs[i * 2 + b]!.id,
          ...(s.track_expiry ? { lot: `L${i}-${b}`, expiry: b === 0 ? '2027-06-30' : '2027-03-31' } : {}),
        },
      });
  });
  for (let i = 0; i < receipts.length; i += 100)
    await withTx(orm.em, async (tx) => {
      for (const r of receipts.slice(i, i + 100)) await postMovement(tx, r);
    });
  return { warehouseId: wh, connectorId, skuCodes: skus.map((s) => s.code) };
}

/** A deterministic 32-bit LCG (Numerical Recipes constants), so every run offers the same orders. */
/**
 * A Shopify orders/create body like the k6 intake scenario's: `lines` lines of 1–2 units. With `hotShare`, that
 * share of orders has the hot SKU (index 0) as its first line: the flash sale of issue 19, goal 6.
 */
export function shopifyOrderBody(n: number, skuCodes: string[], rnd: () => number, lines = 2, hotShare = 0): string {
  const hot = hotShare > 0 && rnd() < hotShare;
  const skus = Array.from({ length: lines }, (_, l) =>
    l === 0 && hot ? skuCodes[0]! : skuCodes[1 + Math.floor(rnd() * (skuCodes.length - 1))]!,
  );
  return shopifyOrderJson({ id: 9_000_000 + n, name: `#BP${n}`, orderNumber: n, skus });
}

/** Stores deliveries as the ack path does (one multi-row insert: the group commit of issue 19, goal 1). */
export async function storeDeliveries(orm: Orm, connectorId: string, bodies: { deliveryId: string; body: string }[]): Promise<void> {
  if (!bodies.length) return;
  await sql(
    orm.em.fork(),
    `insert into webhook_delivery (connector_id, source, delivery_id, topic, raw_body)
    select ?, 'shopify', d, 'orders/create', b from unnest(?::text[], ?::text[]) as t(d, b)
    on conflict (connector_id, delivery_id) do nothing`,
    [connectorId, pgArray(bodies.map((b) => b.deliveryId)), pgArray(bodies.map((b) => b.body))],
  );
}
