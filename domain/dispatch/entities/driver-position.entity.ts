import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Driver } from './driver.entity.js';
import { Route } from './route.entity.js';
import { Vehicle } from './vehicle.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `driver_position`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const DriverPosition = defineEntity({
  name: 'DriverPosition',
  tableName: 'driver_position',
  properties: {
    id: p.bigint('string').primary(),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('driver_position_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    vehicle_id: () =>
      p
        .manyToOne(Vehicle)
        .mapToPk()
        .fieldName('vehicle_id')
        .foreignKeyName('driver_position_vehicle_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    driver_id: () =>
      p
        .manyToOne(Driver)
        .mapToPk()
        .fieldName('driver_id')
        .foreignKeyName('driver_position_driver_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    route_id: () =>
      p
        .manyToOne(Route)
        .mapToPk()
        .fieldName('route_id')
        .foreignKeyName('driver_position_route_id_fkey')
        .deleteRule('set null')
        .updateRule('no action')
        .nullable(),
    lat: p.double().$type<number>(),
    lng: p.double().$type<number>(),
    accuracy_m: p.double().$type<number>().nullable(),
    speed_mps: p.double().$type<number>().nullable(),
    heading_deg: p.double().$type<number>().nullable(),
    recorded_at: p.datetime(),
    received_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'driver_position_vehicle_idx', properties: ['vehicle_id', 'recorded_at'] }],
});
export type DriverPosition = InferEntity<typeof DriverPosition>;
/** A `driver_position` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type DriverPositionRow = RowOf<typeof DriverPosition>;
