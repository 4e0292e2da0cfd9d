import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `connector`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Connector = defineEntity({
  name: 'Connector',
  tableName: 'connector',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('connector_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    kind: p.enum(['shopify', 'woocommerce', 'api']),
    name: p.text(),
    shop_domain: p.text().nullable(),
    site_url: p.text().nullable(),
    callback_url: p.text().nullable(),
    sku_mapping: p.enum(['sku', 'barcode']).defaultRaw("'sku'"),
    webhook_secret_enc: p.text(),
    api_token_enc: p.text().nullable(),
    min_shelf_life_days: p.integer().nullable(),
    poll_enabled: p.boolean().defaultRaw('true'),
    poll_interval_s: p.integer().defaultRaw('300'),
    poll_cursor: p.datetime().nullable(),
    last_polled_at: p.datetime().nullable(),
    webhooks_enabled: p.boolean().defaultRaw('true'),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'connector_warehouse_id_name_key', properties: ['warehouse_id', 'name'] }],
});
export type Connector = InferEntity<typeof Connector>;
/** A `connector` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ConnectorRow = RowOf<typeof Connector>;
