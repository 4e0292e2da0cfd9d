import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import { cartonize, expandLines, type BoxType } from './cartonize/index.js';
import type { CartonProposal, PackSessionView } from './pack.schemas.js';
import type { SkuRow as SkuTableRow } from '../catalog/entities/sku.entity.js';
import type { BoxTypeRow } from './entities/box-type.entity.js';

/** A SKU's measures as the cartonizer needs them. */
export type SkuRow = Pick<SkuTableRow, 'id' | 'code' | 'length_mm' | 'width_mm' | 'height_mm' | 'weight_g' | 'fragile' | 'this_side_up'>;
/** A box of the catalogue: inner measures, weight limit and tare. */
export type BoxRow = Pick<BoxTypeRow, 'code' | 'inner_length_mm' | 'inner_width_mm' | 'inner_height_mm' | 'max_weight_g' | 'tare_g'>;

/** The active boxes a warehouse packs into, one per code. */
export async function boxCatalogue(em: EntityManager, warehouseId: string): Promise<BoxRow[]> {
  // A warehouse's own box of a code replaces the global one.
  return sql<BoxRow>(
    em,
    `select distinct on (code) code, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g from box_type
    where active and (warehouse_id = ? or warehouse_id is null) order by code, warehouse_id nulls last`,
    [warehouseId],
  );
}

/** Proposes cartons for the order's items from the box catalogue (3D cartonization; fewest boxes, then least volume). */
export function proposeCartons(
  items: { sku: SkuRow; qty: number }[],
  catalogue: BoxRow[],
  minSupportRatio: number,
): NonNullable<PackSessionView['proposal']> {
  const byCode = new Map(items.map((i) => [i.sku.code, i.sku]));
  const units = expandLines(
    items.map(({ sku, qty }) => ({
      sku: sku.code,
      qty,
      lengthMm: sku.length_mm,
      widthMm: sku.width_mm,
      heightMm: sku.height_mm,
      weightG: sku.weight_g,
      fragile: sku.fragile,
      thisSideUp: sku.this_side_up,
    })),
  );
  const boxTypes: BoxType[] = catalogue.map((b) => ({
    boxId: b.code,
    innerLengthMm: b.inner_length_mm,
    innerWidthMm: b.inner_width_mm,
    innerHeightMm: b.inner_height_mm,
    maxWeightG: b.max_weight_g,
    tareG: b.tare_g,
  }));
  const r = cartonize(units, boxTypes, { minSupportRatio });
  const codeOf = (itemId: string) => itemId.slice(0, itemId.lastIndexOf('#'));
  const cartons: CartonProposal[] = r.cartons.map((c) => {
    const count = new Map<string, number>();
    for (const it of c.items) count.set(codeOf(it.itemId), (count.get(codeOf(it.itemId)) ?? 0) + 1);
    return {
      boxCode: c.boxId,
      expectedWeightG: c.grossWeightG,
      fillRate: Math.round(c.fillRate * 1000) / 1000,
      voidFillMm3: c.voidFillMm3,
      items: [...count].map(([code, qty]) => ({ skuId: byCode.get(code)!.id, skuCode: code, qty })),
    };
  });
  const unpacked = r.unpacked.map((u) => ({ skuId: byCode.get(codeOf(u.itemId))!.id, reason: u.reason }));
  return { cartons, unpacked };
}
