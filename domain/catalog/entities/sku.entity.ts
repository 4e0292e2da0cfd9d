import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `sku`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Sku = defineEntity({
  name: 'Sku',
  tableName: 'sku',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text(),
    name: p.text(),
    name_i18n: p.json<unknown>().defaultRaw("'{}'"),
    category: p.text().nullable(),
    length_mm: p.integer().defaultRaw('0'),
    width_mm: p.integer().defaultRaw('0'),
    height_mm: p.integer().defaultRaw('0'),
    weight_g: p.integer().defaultRaw('0'),
    track_lot: p.boolean().defaultRaw('false'),
    track_expiry: p.boolean().defaultRaw('false'),
    track_serial: p.boolean().defaultRaw('false'),
    shelf_life_days: p.integer().nullable(),
    hazmat_class: p.text().nullable(),
    storage_condition: p.enum(['ambient', 'chilled', 'frozen']).defaultRaw("'ambient'"),
    velocity_class: p.enum(['A', 'B', 'C']).columnType('char(1)').nullable(),
    fragile: p.boolean().defaultRaw('false'),
    this_side_up: p.boolean().defaultRaw('false'),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
    updated_at: p.datetime().defaultRaw('now()'),
    min_stock_qty: p.integer().defaultRaw('0'),
    requires_inspection: p.boolean().defaultRaw('false'),
    picks_per_week: p.decimal().precision(12).scale(3).nullable(),
    cube_per_order_index: p.decimal().precision(18).scale(3).nullable(),
    velocity_updated_at: p.datetime().nullable(),
  },
  indexes: [
    { name: 'sku_category_idx', properties: ['category', 'code'] },
    // Scan resolution reads an item's header and a location's SKU codes by index-only scan (migrations/…140001_scan_resolve_sku_head).
    {
      name: 'sku_id_head_idx',
      expression: 'CREATE INDEX sku_id_head_idx ON public.sku USING btree (id) INCLUDE (code, name, track_lot, track_expiry, track_serial)',
    },
  ],
  uniques: [{ name: 'sku_code_key', properties: ['code'] }],
});
export type Sku = InferEntity<typeof Sku>;
/** A `sku` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type SkuRow = RowOf<typeof Sku>;
