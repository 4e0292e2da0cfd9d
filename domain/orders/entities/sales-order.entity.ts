import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Connector } from './connector.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { orderLifecycle } from '../order.lifecycle.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `sales_order`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const SalesOrder = defineEntity({
  name: 'SalesOrder',
  tableName: 'sales_order',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('sales_order_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    connector_id: () =>
      p
        .manyToOne(Connector)
        .mapToPk()
        .fieldName('connector_id')
        .foreignKeyName('sales_order_connector_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    external_id: p.text(),
    external_number: p.text().nullable(),
    source: p.enum(['shopify', 'woocommerce', 'api', 'poll']),
    status: p.enum([...orderLifecycle.states]).defaultRaw("'pending'"),
    hold_reason: p.text().nullable(),
    customer: p.json<unknown>().defaultRaw("'{}'"),
    ship_to: p.json<unknown>().defaultRaw("'{}'"),
    shipping_method: p.text().nullable(),
    promise_date: p.datetime().nullable(),
    priority_rank: p.smallint().defaultRaw('1'),
    currency: p.character().length(3),
    subtotal_minor: p.bigint('string').defaultRaw('0'),
    shipping_minor: p.bigint('string').defaultRaw('0'),
    tax_minor: p.bigint('string').defaultRaw('0'),
    discount_minor: p.bigint('string').defaultRaw('0'),
    total_minor: p.bigint('string').defaultRaw('0'),
    tags: p.array().defaultRaw("'{}'"),
    notes: p.text().nullable(),
    min_shelf_life_days: p.integer().nullable(),
    external_created_at: p.datetime().nullable(),
    external_updated_at: p.datetime().nullable(),
    version: p.integer().defaultRaw('1'),
    cancelled_at: p.datetime().nullable(),
    cancel_reason: p.text().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    updated_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    {
      name: 'sales_order_alloc_idx',
      expression:
        "CREATE INDEX sales_order_alloc_idx ON public.sales_order USING btree (warehouse_id, priority_rank, promise_date, created_at) WHERE (status = ANY (ARRAY['pending'::text, 'backordered'::text]))",
    },
    { name: 'sales_order_list_idx', properties: ['warehouse_id', 'created_at', 'id'] },
  ],
  uniques: [
    {
      name: 'sales_order_connector_ext_uq',
      expression:
        'CREATE UNIQUE INDEX sales_order_connector_ext_uq ON public.sales_order USING btree (connector_id, external_id) WHERE (connector_id IS NOT NULL)',
    },
    {
      name: 'sales_order_wh_ext_uq',
      expression:
        'CREATE UNIQUE INDEX sales_order_wh_ext_uq ON public.sales_order USING btree (warehouse_id, external_id) WHERE (connector_id IS NULL)',
    },
  ],
});
export type SalesOrder = InferEntity<typeof SalesOrder>;
/** A `sales_order` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type SalesOrderRow = RowOf<typeof SalesOrder>;
