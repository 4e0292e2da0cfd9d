import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from './warehouse.entity.js';
import { Zone } from './zone.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `location`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Location = defineEntity({
  name: 'Location',
  tableName: 'location',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('location_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    zone_id: () =>
      p
        .manyToOne(Zone)
        .mapToPk()
        .fieldName('zone_id')
        .foreignKeyName('location_zone_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    code: p.text(),
    type: p.enum(['dock', 'staging', 'reserve', 'pick_face', 'pack', 'ship', 'quarantine', 'returns', 'virtual']),
    aisle: p.text().nullable(),
    bay: p.integer().nullable(),
    level: p.integer().nullable(),
    position: p.integer().nullable(),
    x_mm: p.integer().defaultRaw('0'),
    y_mm: p.integer().defaultRaw('0'),
    z_mm: p.integer().defaultRaw('0'),
    max_volume_mm3: p.bigint('string').nullable(),
    max_weight_g: p.integer().nullable(),
    max_skus: p.integer().nullable(),
    mixed_lots: p.boolean().defaultRaw('true'),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
    pick_sequence: p.integer().nullable(),
    golden_zone: p.boolean().defaultRaw('false'),
  },
  indexes: [
    { name: 'location_code_idx', properties: ['code'] },
    { name: 'location_wh_type_idx', properties: ['warehouse_id', 'type', 'code'] },
  ],
  uniques: [
    { name: 'location_warehouse_id_code_key', properties: ['warehouse_id', 'code'] },
    { name: 'location_warehouse_id_id_key', properties: ['warehouse_id', 'id'] },
  ],
});
export type Location = InferEntity<typeof Location>;
/** A `location` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type LocationRow = RowOf<typeof Location>;
