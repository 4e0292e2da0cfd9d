import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppUser } from './app-user.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `device`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Device = defineEntity({
  name: 'Device',
  tableName: 'device',
  properties: {
    id: p.text().primary(),
    name: p.text(),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('device_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    user_agent: p.text().nullable(),
    registered_by: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('registered_by')
        .foreignKeyName('device_registered_by_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    registered_at: p.datetime().defaultRaw('now()'),
    last_user_id: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('last_user_id')
        .foreignKeyName('device_last_user_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    last_seen_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'device_wh_seen_idx', properties: ['warehouse_id', 'last_seen_at'] }],
});
export type Device = InferEntity<typeof Device>;
/** A `device` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type DeviceRow = RowOf<typeof Device>;
