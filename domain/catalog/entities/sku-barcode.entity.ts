import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Sku } from './sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `sku_barcode`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const SkuBarcode = defineEntity({
  name: 'SkuBarcode',
  tableName: 'sku_barcode',
  properties: {
    barcode: p.text().primary(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('sku_barcode_sku_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    uom_level: p.text().defaultRaw("'each'"),
    kind: p.enum(['gtin8', 'gtin12', 'gtin13', 'gtin14', 'internal']),
    /** The quantity of the pack level this barcode names, kept by triggers from sku_uom (migrations/…200103_barcode_qty_each.ts); null = read sku_uom. */
    qty_each: p.integer().nullable(),
  },
  indexes: [
    { name: 'sku_barcode_sku_idx', properties: ['sku_id'] },
    // Scan resolution reads barcode → SKU and its pack quantity by index-only scan (migrations/…133001, …200103).
    {
      name: 'sku_barcode_lookup_idx',
      expression: 'CREATE INDEX sku_barcode_lookup_idx ON public.sku_barcode USING btree (barcode) INCLUDE (sku_id, uom_level, qty_each)',
    },
  ],
});
export type SkuBarcode = InferEntity<typeof SkuBarcode>;
/** A `sku_barcode` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type SkuBarcodeRow = RowOf<typeof SkuBarcode>;
