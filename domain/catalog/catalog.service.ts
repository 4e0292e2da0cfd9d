/**
 * Catalog use cases: SKUs with their pack hierarchy (each → inner → case → pallet, GTIN per level)
 * and barcodes. Writes are set-based (jsonb_to_recordset) so a CSV import of 10k rows is a few
 * statements per batch. GTINs are stored as GTIN-14 so one index probe resolves any scanned form.
 */
import { keyset } from '../shared/cursor.js';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { toGtin14 } from '../scanning/index.js';
import { NotFound, type FieldError } from '../shared/errors.js';
import { sql } from '../shared/sql.js';
import type { SkuInput, SkuView } from './catalog.schemas.js';
import { SkuBarcode, type SkuBarcodeRow } from './entities/sku-barcode.entity.js';
import { Sku, type SkuRow } from './entities/sku.entity.js';
import { SkuUom } from './entities/sku-uom.entity.js';

const byCode = keyset(['text']);

const gtinKind = (g: string) => (g.length === 8 ? 'gtin8' : g.length === 12 ? 'gtin12' : g.length === 13 ? 'gtin13' : 'gtin14');

/** A barcode an input would own, keyed by the SKU's code (the id is not known before the upsert). */
type BarcodeRow = Pick<SkuBarcodeRow, 'barcode' | 'kind' | 'uom_level'> & Pick<SkuRow, 'code'>;

/** Barcodes a set of SKU inputs would own (GTINs normalized to 14 digits). */
export function barcodesOf(s: SkuInput): BarcodeRow[] {
  const out: BarcodeRow[] = [];
  for (const u of s.uoms) if (u.gtin) out.push({ barcode: toGtin14(u.gtin), code: s.code, kind: gtinKind(u.gtin), uom_level: u.level });
  for (const b of s.barcodes) out.push({ barcode: b, code: s.code, kind: 'internal', uom_level: 'each' });
  return out;
}
export type BarcodeConflictsRow = Pick<SkuBarcodeRow, 'barcode'> & Pick<SkuRow, 'code'>;

/**
 * Row-level conflicts with what is already stored: a barcode owned by another SKU. Returns one
 * error per offending input index (the caller reports them; nothing is written).
 */
export async function barcodeConflicts(tx: EntityManager, inputs: SkuInput[]): Promise<Map<number, FieldError[]>> {
  const all = inputs.flatMap((s, i) => barcodesOf(s).map((b) => ({ ...b, i })));
  const errs = new Map<number, FieldError[]>();
  if (all.length === 0) return errs;
  const owners: BarcodeConflictsRow[] = await tx
    .createQueryBuilder(SkuBarcode, 'b')
    .select(['b.barcode', 's.code'])
    .join('b.sku_id', 's')
    .where({ barcode: { $in: [...new Set(all.map((b) => b.barcode))] } })
    .execute('all');
  const owner = new Map(owners.map((o) => [o.barcode, o.code]));
  for (const b of all) {
    const o = owner.get(b.barcode);
    if (o && o !== b.code)
      errs.set(b.i, [
        ...(errs.get(b.i) ?? []),
        {
          path: b.kind === 'internal' ? 'barcodes' : `gtin_${b.uom_level}`,
          message: `barcode ${b.barcode} belongs to SKU ${o}`,
          code: 'barcode-taken',
        },
      ]);
  }
  return errs;
}
export type UpsertSkusRow = Pick<SkuRow, 'id' | 'code'> & { inserted: boolean };

/** Creates or updates SKUs by code (pack levels and barcodes replaced); returns created/updated counts. */
export async function upsertSkus(tx: EntityManager, inputs: SkuInput[]): Promise<{ created: number; updated: number; ids: string[] }> {
  if (inputs.length === 0) return { created: 0, updated: 0, ids: [] };
  const recs = inputs.map((s) => ({
    code: s.code,
    name: s.name,
    name_i18n: s.nameI18n,
    category: s.category ?? null,
    length_mm: s.lengthMm,
    width_mm: s.widthMm,
    height_mm: s.heightMm,
    weight_g: s.weightG,
    track_lot: s.trackLot,
    track_expiry: s.trackExpiry,
    track_serial: s.trackSerial,
    shelf_life_days: s.shelfLifeDays ?? null,
    hazmat_class: s.hazmatClass ?? null,
    storage_condition: s.storageCondition,
    velocity_class: s.velocityClass ?? null,
    min_stock_qty: s.minStockQty,
    fragile: s.fragile,
    active: s.active,
  }));
  const rows = await sql<UpsertSkusRow>(
    tx,
    `
    insert into sku (code, name, name_i18n, category, length_mm, width_mm, height_mm, weight_g, track_lot, track_expiry, track_serial,
      shelf_life_days, hazmat_class, storage_condition, velocity_class, min_stock_qty, fragile, active)
    select code, name, name_i18n, category, length_mm, width_mm, height_mm, weight_g, track_lot, track_expiry, track_serial,
      shelf_life_days, hazmat_class, storage_condition, velocity_class, min_stock_qty, fragile, active
    from jsonb_to_recordset(?::jsonb) as r(code text, name text, name_i18n jsonb, category text, length_mm int, width_mm int, height_mm int, weight_g int,
      track_lot boolean, track_expiry boolean, track_serial boolean, shelf_life_days int, hazmat_class text, storage_condition text, velocity_class char(1),
      min_stock_qty int, fragile boolean, active boolean)
    on conflict (code) do update set name = excluded.name, name_i18n = excluded.name_i18n, category = excluded.category,
      length_mm = excluded.length_mm, width_mm = excluded.width_mm, height_mm = excluded.height_mm, weight_g = excluded.weight_g,
      track_lot = excluded.track_lot, track_expiry = excluded.track_expiry, track_serial = excluded.track_serial, shelf_life_days = excluded.shelf_life_days,
      hazmat_class = excluded.hazmat_class, storage_condition = excluded.storage_condition, velocity_class = excluded.velocity_class,
      min_stock_qty = excluded.min_stock_qty, fragile = excluded.fragile, active = excluded.active, updated_at = now()
    returning id, code, (xmax = 0) as inserted`,
    [JSON.stringify(recs)],
  );
  const idByCode = new Map(rows.map((r) => [r.code, r.id]));
  const ids = rows.map((r) => r.id);
  await tx.nativeDelete(SkuUom, { sku_id: { $in: ids } });
  await tx.nativeDelete(SkuBarcode, { sku_id: { $in: ids } });
  const uoms = inputs.flatMap((s) => {
    const levels = s.uoms.some((u) => u.level === 'each')
      ? s.uoms
      : [
          {
            level: 'each' as const,
            qtyEach: 1,
            gtin: null,
            lengthMm: s.lengthMm,
            widthMm: s.widthMm,
            heightMm: s.heightMm,
            weightG: s.weightG,
          },
          ...s.uoms,
        ];
    return levels.map((u) => ({
      sku_id: idByCode.get(s.code),
      level: u.level,
      qty_each: u.qtyEach,
      gtin: u.gtin ? toGtin14(u.gtin) : null,
      length_mm: u.lengthMm,
      width_mm: u.widthMm,
      height_mm: u.heightMm,
      weight_g: u.weightG,
    }));
  });
  await sql(
    tx,
    `insert into sku_uom (sku_id, level, qty_each, gtin, length_mm, width_mm, height_mm, weight_g)
    select * from jsonb_to_recordset(?::jsonb) as r(sku_id uuid, level text, qty_each int, gtin text, length_mm int, width_mm int, height_mm int, weight_g int)`,
    [JSON.stringify(uoms)],
  );
  const codes = inputs
    .flatMap(barcodesOf)
    .map((b) => ({ barcode: b.barcode, sku_id: idByCode.get(b.code), uom_level: b.uom_level, kind: b.kind }));
  if (codes.length) {
    await sql(
      tx,
      `insert into sku_barcode (barcode, sku_id, uom_level, kind)
      select * from jsonb_to_recordset(?::jsonb) as r(barcode text, sku_id uuid, uom_level text, kind text)`,
      [JSON.stringify(codes)],
    );
  }
  const created = rows.filter((r) => r.inserted).length;
  return { created, updated: rows.length - created, ids: rows.map((r) => r.id) };
}

const UOM_ORDER = ['each', 'inner', 'case', 'pallet'];

/** SKU views (with pack levels and barcodes) for a set of ids, in the given order. */
export async function skuViews(em: EntityManager, ids: string[]): Promise<SkuView[]> {
  if (ids.length === 0) return [];
  // Read-only views: no identity map, so a row changed by raw SQL earlier in the transaction is read fresh.
  // Sequential on purpose: inside a transaction the three queries share one connection.
  const skus = await em.find(Sku, { id: { $in: ids } }, { disableIdentityMap: true });
  const uoms = (await em.find(SkuUom, { sku_id: { $in: ids } }, { disableIdentityMap: true })).sort(
    (a, b) => UOM_ORDER.indexOf(a.level) - UOM_ORDER.indexOf(b.level),
  );
  const codes = await em.find(SkuBarcode, { sku_id: { $in: ids } }, { orderBy: { barcode: 'asc' }, disableIdentityMap: true });
  const byId = new Map(skus.map((s) => [s.id, s]));
  return ids
    .filter((id) => byId.has(id))
    .map((id) => {
      const s = byId.get(id)!;
      return {
        id: s.id,
        code: s.code,
        name: s.name,
        nameI18n: (s.name_i18n ?? {}) as Record<string, string>,
        category: s.category ?? null,
        lengthMm: s.length_mm,
        widthMm: s.width_mm,
        heightMm: s.height_mm,
        weightG: s.weight_g,
        trackLot: s.track_lot,
        trackExpiry: s.track_expiry,
        trackSerial: s.track_serial,
        shelfLifeDays: s.shelf_life_days ?? null,
        hazmatClass: s.hazmat_class ?? null,
        storageCondition: s.storage_condition,
        velocityClass: s.velocity_class ?? null,
        minStockQty: s.min_stock_qty,
        fragile: s.fragile,
        requiresInspection: s.requires_inspection,
        active: s.active,
        uoms: uoms
          .filter((u) => u.sku_id === id)
          .map((u) => ({
            level: u.level,
            qtyEach: u.qty_each,
            gtin: u.gtin ?? null,
            lengthMm: u.length_mm,
            widthMm: u.width_mm,
            heightMm: u.height_mm,
            weightG: u.weight_g,
          })),
        barcodes: codes.filter((c) => c.sku_id === id).map((c) => ({ barcode: c.barcode, kind: c.kind, uomLevel: c.uom_level })),
      };
    });
}

/** One SKU by id or code. */
export async function getSku(em: EntityManager, idOrCode: string): Promise<SkuView> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
  const row = await em.findOne(Sku, isUuid ? { $or: [{ id: idOrCode }, { code: idOrCode }] } : { code: idOrCode }, {
    fields: ['id'],
    disableIdentityMap: true,
  });
  if (!row) throw new NotFound('SKU', idOrCode);
  return (await skuViews(em, [row.id]))[0]!;
}

/** SKUs by code order, filtered by text (code/name prefix), category, velocity class. */
export async function listSkus(
  em: EntityManager,
  f: { q?: string; category?: string; velocityClass?: string; cursor?: string; limit: number },
) {
  const after = byCode.after(f.cursor);
  const where: FilterQuery<Sku> = {};
  if (f.q != null) where.$or = [{ code: { $ilike: `${escapeLike(f.q)}%` } }, { name: { $ilike: `%${escapeLike(f.q)}%` } }];
  if (f.category != null) where.category = f.category;
  if (f.velocityClass != null) where.velocity_class = f.velocityClass as Sku['velocity_class'];
  if (after) where.code = { $gt: after[0] as string };
  const rows = await em.find(Sku, where, {
    fields: ['id', 'code'],
    orderBy: { code: 'asc' },
    limit: f.limit + 1,
    disableIdentityMap: true,
  });
  const p = byCode.page(rows, f.limit, (r) => [r.code]);
  return {
    items: await skuViews(
      em,
      p.items.map((r) => r.id),
    ),
    nextCursor: p.nextCursor,
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
