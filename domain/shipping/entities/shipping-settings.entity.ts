import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `shipping_settings`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ShippingSettings = defineEntity({
  name: 'ShippingSettings',
  tableName: 'shipping_settings',
  properties: {
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('shipping_settings_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    gs1_company_prefix: p.text().defaultRaw("'0614141'"),
    sscc_extension: p.smallint().defaultRaw('0'),
    origin_postal_code: p.text().defaultRaw("'00000'"),
    origin_country: p.character().length(2).defaultRaw("'US'"),
    ship_from: p.json<unknown>().defaultRaw("'{}'"),
    high_value_minor: p.bigint('string').defaultRaw('50000'),
    updated_at: p.datetime().defaultRaw('now()'),
    consolidate_orders: p.boolean().defaultRaw('true'),
    perishable_max_transit_days: p.integer().defaultRaw('1'),
    min_on_time_rate: p.double().$type<number>().defaultRaw('0.9'),
    scorecard_min_parcels: p.integer().defaultRaw('20'),
    consolidation_window_s: p.integer().defaultRaw('0'),
  },
});
export type ShippingSettings = InferEntity<typeof ShippingSettings>;
/** A `shipping_settings` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ShippingSettingsRow = RowOf<typeof ShippingSettings>;
