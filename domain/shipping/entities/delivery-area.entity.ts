import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `delivery_area`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const DeliveryArea = defineEntity({
  name: 'DeliveryArea',
  tableName: 'delivery_area',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('delivery_area_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    name: p.text(),
    center_lat: p.double().$type<number>(),
    center_lng: p.double().$type<number>(),
    radius_m: p.integer(),
    max_stops_per_day: p.integer().defaultRaw('60'),
    max_weight_g_per_day: p.integer().nullable(),
    active: p.boolean().defaultRaw('true'),
  },
  uniques: [{ name: 'delivery_area_warehouse_id_name_key', properties: ['warehouse_id', 'name'] }],
});
export type DeliveryArea = InferEntity<typeof DeliveryArea>;
/** A `delivery_area` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type DeliveryAreaRow = RowOf<typeof DeliveryArea>;
