import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `manifest`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Manifest = defineEntity({
  name: 'Manifest',
  tableName: 'manifest',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('manifest_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    carrier_code: p.text(),
    ship_date: p.date(),
    shipment_ids: p.array().columnType('uuid[]'),
    created_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    handed_over_to: p.json<unknown>().nullable(),
  },
});
export type Manifest = InferEntity<typeof Manifest>;
/** A `manifest` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ManifestRow = RowOf<typeof Manifest>;
