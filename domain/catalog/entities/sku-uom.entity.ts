import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Sku } from './sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `sku_uom`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const SkuUom = defineEntity({
  name: 'SkuUom',
  tableName: 'sku_uom',
  properties: {
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('sku_uom_sku_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action')
        .primary(),
    level: p.enum(['each', 'inner', 'case', 'pallet']).primary(),
    qty_each: p.integer(),
    gtin: p.text().nullable(),
    length_mm: p.integer().defaultRaw('0'),
    width_mm: p.integer().defaultRaw('0'),
    height_mm: p.integer().defaultRaw('0'),
    weight_g: p.integer().defaultRaw('0'),
  },
  indexes: [
    // Scan resolution reads a pack level's quantity by index-only scan (migrations/…133001_scan_resolve_index_only).
    {
      name: 'sku_uom_qty_idx',
      expression: 'CREATE INDEX sku_uom_qty_idx ON public.sku_uom USING btree (sku_id, level) INCLUDE (qty_each)',
    },
  ],
});
export type SkuUom = InferEntity<typeof SkuUom>;
/** A `sku_uom` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type SkuUomRow = RowOf<typeof SkuUom>;
