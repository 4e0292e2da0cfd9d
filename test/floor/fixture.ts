import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { allocateOrder } from '../../domain/orders/allocation.service.js';
import { gs1CheckDigit } from '../../domain/scanning/index.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { rng } from '../../scripts/seed/rng.js';

import type { IdRow } from '../../domain/shared/rows.js';
export interface FloorSku {
  id: string;
  code: string;
  gtin13: string;
  lotTracked: boolean;
  weightG: number;
}
export interface FloorFixture {
  zoneIds: string[];
  skus: FloorSku[];
  orderIds: string[];
  receivedUnits: number;
  lots: Map<string, { lot: string; expiry: string }[]>;
}

/** Loads the in-repo box catalogue (bench/data/cartonization) (global boxes) if not present. */
export async function loadBoxes(em: EntityManager): Promise<void> {
  const data = JSON.parse(readFileSync(new URL('../../bench/data/cartonization/boxes.json', import.meta.url), 'utf8')) as {
    boxes: { code: string; innerLengthMm: number; innerWidthMm: number; innerHeightMm: number; maxWeightG: number; tareG: number }[];
  };
  for (const b of data.boxes) {
    await sql(
      em,
      `insert into box_type (code, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g) values (?, ?, ?, ?, ?, ?) on conflict do nothing`,
      [b.code, b.innerLengthMm, b.innerWidthMm, b.innerHeightMm, b.maxWeightG, b.tareG],
    );
  }
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * A single-block pick area (aisles A.., bays 01..), one SKU per bay at level 01 and a back-up at
 * level 02 (for re-allocation after short picks), stock received through the ledger, the box
 * catalogue, and `orders` allocated orders of 1-3 lines. Seeded: the same data every run.
 */
export async function buildFloor(
  em: EntityManager,
  warehouseId: string,
  opts: {
    skus?: number;
    orders?: number;
    seed?: number;
    prefix?: string;
    zones?: number;
    gtinPrefix?: string;
    /** false: leave the orders pending (the caller allocates them, e.g. in short transactions of its own). */
    allocate?: boolean;
  } = {},
): Promise<FloorFixture> {
  const nSku = opts.skus ?? 40;
  const nOrders = opts.orders ?? 200;
  const prefix = opts.prefix ?? 'F';
  const r = rng(opts.seed ?? 7);
  await loadBoxes(em);
  const zones: { id: string }[] = [];
  for (let z = 0; z < (opts.zones ?? 1); z++) {
    zones.push(
      (await sqlOne<IdRow>(
        em,
        `insert into zone (warehouse_id, code, name) values (?, ?, 'Pick area') on conflict (warehouse_id, code) do update set name = excluded.name returning id`,
        [warehouseId, `PICK-${z}`],
      ))!,
    );
  }
  const zone = zones[0]!;
  await sql(
    em,
    `insert into location (warehouse_id, zone_id, code, type, x_mm, y_mm) values (?, ?, 'PACK-01', 'pack', 0, 1000) on conflict do nothing`,
    [warehouseId, zone.id],
  );
  const skus: FloorSku[] = [];
  const lots = new Map<string, { lot: string; expiry: string }[]>();
  let receivedUnits = 0;
  for (let i = 0; i < nSku; i++) {
    const aisle = String.fromCharCode(65 + Math.floor(i / 10));
    const bay = (i % 10) + 1;
    const body = `400${opts.gtinPrefix ?? pad(Number(prefix.charCodeAt(0)), 3)}${pad(i, 6)}`;
    const gtin13 = body + gs1CheckDigit(body);
    const lotTracked = i % 10 === 3;
    const weightG = 100 + Math.floor(r() * 900);
    const sku = (await sqlOne<IdRow>(
      em,
      `insert into sku (code, name, length_mm, width_mm, height_mm, weight_g, track_lot, track_expiry, fragile)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [
        `${prefix}-SKU-${pad(i, 4)}`,
        `Item ${i}`,
        60 + Math.floor(r() * 140),
        40 + Math.floor(r() * 100),
        20 + Math.floor(r() * 80),
        weightG,
        lotTracked,
        lotTracked,
        i % 17 === 5,
      ],
    ))!;
    await sql(em, `insert into sku_barcode (barcode, sku_id, kind) values (?, ?, 'gtin13')`, [gtin13, sku.id]);
    skus.push({ id: sku.id, code: `${prefix}-SKU-${pad(i, 4)}`, gtin13, lotTracked, weightG });
    const zoneOf = zones[Math.floor(i / 10) % zones.length]!;
    const locs = await sql<IdRow>(
      em,
      `insert into location (warehouse_id, zone_id, code, type, aisle, bay, level, x_mm, y_mm)
      values (?, ?, ?, 'pick_face', ?, ?, 1, ?, ?), (?, ?, ?, 'reserve', ?, ?, 2, ?, ?) returning id`,
      [
        warehouseId,
        zoneOf.id,
        `${aisle}-${pad(bay, 2)}-01-01`,
        aisle,
        bay,
        2000 + (aisle.charCodeAt(0) - 65) * 3000,
        3000 + bay * 1200,
        warehouseId,
        zoneOf.id,
        `${aisle}-${pad(bay, 2)}-02-01`,
        aisle,
        bay,
        2000 + (aisle.charCodeAt(0) - 65) * 3000,
        3000 + bay * 1200,
      ],
    );
    if (lotTracked) {
      const l = [
        { lot: `L${i}A`, expiry: '2027-03-31' },
        { lot: `L${i}B`, expiry: '2027-09-30' },
      ];
      lots.set(sku.id, l);
      for (const x of l)
        await postMovement(em, {
          warehouseId,
          type: 'receipt',
          skuId: sku.id,
          qty: 150,
          to: { locationId: locs[0]!.id, lot: x.lot, expiry: x.expiry },
        });
      await postMovement(em, {
        warehouseId,
        type: 'receipt',
        skuId: sku.id,
        qty: 100,
        to: { locationId: locs[1]!.id, lot: 'L' + i + 'C', expiry: '2028-01-31' },
      });
      receivedUnits += 400;
    } else {
      await postMovement(em, { warehouseId, type: 'receipt', skuId: sku.id, qty: 300, to: { locationId: locs[0]!.id } });
      await postMovement(em, { warehouseId, type: 'receipt', skuId: sku.id, qty: 100, to: { locationId: locs[1]!.id } });
      receivedUnits += 400;
    }
  }
  // Orders and lines drawn first (the same seeded draws, in the same order, as one insert each used to take),
  // then written with one statement per table.
  const methods = ['dhl:express', 'ups:ground', 'postnl:standard'];
  const lines: { o: number; lineNo: number; sku: number; qty: number }[] = [];
  for (let o = 0; o < nOrders; o++) {
    const nLines = 1 + Math.floor(r() * 3);
    const used = new Set<number>();
    for (let l = 1; l <= nLines; l++) {
      let k = Math.floor(r() * nSku);
      while (used.has(k)) k = (k + 1) % nSku;
      used.add(k);
      lines.push({ o, lineNo: l, sku: k, qty: 1 + Math.floor(r() * 2) });
    }
  }
  const orderIds = nOrders
    ? (
        await sql<IdRow>(
          em,
          `insert into sales_order (warehouse_id, external_id, source, status, currency, shipping_method, priority_rank, ship_to, promise_date)
          select ?, ? || '-ORD-' || lpad(g::text, 5, '0'), 'api', 'pending', 'EUR', (?::text[])[g % 3 + 1], case when g % 9 = 0 then 0 else 1 end,
            jsonb_build_object('name', 'Customer ' || g, 'city', 'Utrecht', 'country', 'NL'), now() + ((2 + g % 20) || ' hours')::interval
          from generate_series(0, ? - 1) g order by g returning id`,
          [warehouseId, prefix, `{${methods.join(',')}}`, nOrders],
        )
      ).map((o) => o.id)
    : [];
  if (lines.length)
    await sql(
      em,
      `insert into order_line (order_id, line_no, sku_id, qty, name)
      select (?::uuid[])[x.o + 1], x.line_no, (?::uuid[])[x.sku + 1], x.qty, (?::text[])[x.sku + 1]
      from unnest(?::int[], ?::int[], ?::int[], ?::int[]) as x(o, line_no, sku, qty)`,
      [
        `{${orderIds.join(',')}}`,
        `{${skus.map((s) => s.id).join(',')}}`,
        `{${skus.map((s) => s.code).join(',')}}`,
        `{${lines.map((l) => l.o).join(',')}}`,
        `{${lines.map((l) => l.lineNo).join(',')}}`,
        `{${lines.map((l) => l.sku).join(',')}}`,
        `{${lines.map((l) => l.qty).join(',')}}`,
      ],
    );
  if (opts.allocate !== false) for (const id of orderIds) await allocateOrder(em, id, systemClock);
  return { zoneIds: zones.map((z) => z.id), skus, orderIds, receivedUnits, lots };
}

/** What a handheld sends for an item: a GS1-128 element string with lot (AI 10) for lot-tracked SKUs, else the EAN-13. */
export function itemScanFor(sku: FloorSku, lot: string | null): string {
  if (!lot) return sku.gtin13;
  return `]C101${'0' + sku.gtin13}10${lot}`;
}
