import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Connector } from './connector.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { WebhookSubscription } from './webhook-subscription.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `outbound_delivery`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const OutboundDelivery = defineEntity({
  name: 'OutboundDelivery',
  tableName: 'outbound_delivery',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('outbound_delivery_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    connector_id: () =>
      p
        .manyToOne(Connector)
        .mapToPk()
        .fieldName('connector_id')
        .foreignKeyName('outbound_delivery_connector_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    subscription_id: () =>
      p
        .manyToOne(WebhookSubscription)
        .mapToPk()
        .fieldName('subscription_id')
        .foreignKeyName('outbound_delivery_subscription_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    order_id: p.uuid().nullable(),
    dedupe_key: p.text(),
    kind: p.enum(['standard', 'shopify', 'woocommerce']),
    event_type: p.text(),
    event_id: p.text().nullable(),
    method: p.text().defaultRaw("'POST'"),
    url: p.text(),
    body: p.json<unknown>(),
    status: p.enum(['pending', 'delivered', 'dead']).defaultRaw("'pending'"),
    attempts: p.integer().defaultRaw('0'),
    next_attempt_at: p.datetime().defaultRaw('now()'),
    last_status: p.integer().nullable(),
    last_error: p.text().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    delivered_at: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'outbound_delivery_dead_idx',
      expression:
        "CREATE INDEX outbound_delivery_dead_idx ON public.outbound_delivery USING btree (created_at DESC) WHERE (status = 'dead'::text)",
    },
    {
      name: 'outbound_delivery_due_idx',
      expression:
        "CREATE INDEX outbound_delivery_due_idx ON public.outbound_delivery USING btree (next_attempt_at) WHERE (status = 'pending'::text)",
    },
  ],
  uniques: [{ name: 'outbound_delivery_dedupe_key_key', properties: ['dedupe_key'] }],
});
export type OutboundDelivery = InferEntity<typeof OutboundDelivery>;
/** A `outbound_delivery` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type OutboundDeliveryRow = RowOf<typeof OutboundDelivery>;
