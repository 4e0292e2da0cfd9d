import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppUser } from '../../identity/entities/app-user.entity.js';
import { Vehicle } from './vehicle.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `driver`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Driver = defineEntity({
  name: 'Driver',
  tableName: 'driver',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('driver_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    user_id: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('user_id')
        .foreignKeyName('driver_user_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    name: p.text(),
    vehicle_id: () =>
      p
        .manyToOne(Vehicle)
        .mapToPk()
        .fieldName('vehicle_id')
        .foreignKeyName('driver_vehicle_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [
    { name: 'driver_user_id_key', properties: ['user_id'] },
    { name: 'driver_vehicle_id_key', properties: ['vehicle_id'] },
  ],
});
export type Driver = InferEntity<typeof Driver>;
/** A `driver` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type DriverRow = RowOf<typeof Driver>;
