import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Carrier } from './carrier.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `carrier_account`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const CarrierAccount = defineEntity({
  name: 'CarrierAccount',
  tableName: 'carrier_account',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('carrier_account_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    carrier_id: () =>
      p
        .manyToOne(Carrier)
        .mapToPk()
        .fieldName('carrier_id')
        .foreignKeyName('carrier_account_carrier_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    account_number: p.text(),
    credentials_enc: p.text().nullable(),
    webhook_secret_enc: p.text().nullable(),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [
    { name: 'carrier_account_warehouse_id_carrier_id_account_number_key', properties: ['warehouse_id', 'carrier_id', 'account_number'] },
  ],
});
export type CarrierAccount = InferEntity<typeof CarrierAccount>;
/** A `carrier_account` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type CarrierAccountRow = RowOf<typeof CarrierAccount>;
