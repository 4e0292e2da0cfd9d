import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `vehicle`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Vehicle = defineEntity({
  name: 'Vehicle',
  tableName: 'vehicle',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('vehicle_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    code: p.text(),
    name: p.text(),
    capacity_weight_g: p.integer(),
    capacity_volume_mm3: p.bigint('string'),
    cost_per_km_minor: p.integer().defaultRaw('0'),
    cost_per_hour_minor: p.integer().defaultRaw('0'),
    fixed_cost_minor: p.integer().defaultRaw('0'),
    shift_start_s: p.integer(),
    shift_end_s: p.integer(),
    max_duration_s: p.integer().nullable(),
    depot_lat: p.double().$type<number>(),
    depot_lng: p.double().$type<number>(),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
    fuel: p.enum(['diesel', 'petrol', 'electric']).defaultRaw("'diesel'"),
    capacity_pallets: p.integer().nullable(),
    skills: p.array().defaultRaw("'{}'"),
    breaks: p.json<unknown>().defaultRaw("'[]'"),
    max_distance_m: p.integer().nullable(),
    open_route: p.boolean().defaultRaw('false'),
  },
  uniques: [{ name: 'vehicle_warehouse_id_code_key', properties: ['warehouse_id', 'code'] }],
});
export type Vehicle = InferEntity<typeof Vehicle>;
/** A `vehicle` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type VehicleRow = RowOf<typeof Vehicle>;
