import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Location } from '../../layout/entities/location.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `pick_face`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const PickFace = defineEntity({
  name: 'PickFace',
  tableName: 'pick_face',
  properties: {
    location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('location_id')
        .foreignKeyName('pick_face_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('pick_face_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('pick_face_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    min_qty: p.integer(),
    max_qty: p.integer(),
    updated_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'pick_face_sku_idx', properties: ['warehouse_id', 'sku_id'] }],
});
export type PickFace = InferEntity<typeof PickFace>;
/** A `pick_face` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type PickFaceRow = RowOf<typeof PickFace>;
