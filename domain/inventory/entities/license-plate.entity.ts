import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Location } from '../../layout/entities/location.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `license_plate`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const LicensePlate = defineEntity({
  name: 'LicensePlate',
  tableName: 'license_plate',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('license_plate_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    code: p.text(),
    sscc: p.text().nullable(),
    type: p.enum(['pallet', 'tote', 'carton', 'case']).defaultRaw("'pallet'"),
    parent_id: () =>
      p
        .manyToOne(LicensePlate)
        .mapToPk()
        .fieldName('parent_id')
        .foreignKeyName('license_plate_parent_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    location_id: () =>
      p
        .manyToOne(Location)
        .mapToPk()
        .fieldName('location_id')
        .foreignKeyName('license_plate_location_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    status: p.enum(['active', 'closed']).defaultRaw("'active'"),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'license_plate_location_idx', properties: ['location_id'] },
    { name: 'license_plate_parent_idx', properties: ['parent_id'] },
  ],
  uniques: [
    { name: 'license_plate_code_key', properties: ['code'] },
    { name: 'license_plate_sscc_key', properties: ['sscc'] },
  ],
});
export type LicensePlate = InferEntity<typeof LicensePlate>;
/** A `license_plate` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type LicensePlateRow = RowOf<typeof LicensePlate>;
