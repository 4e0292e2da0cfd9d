import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `floor_settings`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const FloorSettings = defineEntity({
  name: 'FloorSettings',
  tableName: 'floor_settings',
  properties: {
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('floor_settings_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    weight_tolerance_pct: p.decimal().precision(5).scale(2).defaultRaw('5'),
    weight_tolerance_min_g: p.integer().defaultRaw('20'),
    min_support_ratio: p.decimal().precision(3).scale(2).defaultRaw('0.5'),
    substitution_allowed: p.boolean().defaultRaw('false'),
    updated_at: p.datetime().defaultRaw('now()'),
  },
});
export type FloorSettings = InferEntity<typeof FloorSettings>;
/** A `floor_settings` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type FloorSettingsRow = RowOf<typeof FloorSettings>;
