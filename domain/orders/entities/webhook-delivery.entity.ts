import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Connector } from './connector.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `webhook_delivery`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const WebhookDelivery = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    connector_id: () =>
      p
        .manyToOne(Connector)
        .mapToPk()
        .fieldName('connector_id')
        .foreignKeyName('webhook_delivery_connector_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    source: p.enum(['shopify', 'woocommerce', 'poll']),
    delivery_id: p.text(),
    topic: p.text(),
    raw_body: p.text(),
    triggered_at: p.datetime().nullable(),
    status: p.enum(['received', 'processed', 'ignored', 'failed']).defaultRaw("'received'"),
    attempts: p.integer().defaultRaw('0'),
    order_id: p.uuid().nullable(),
    error: p.text().nullable(),
    received_at: p.datetime().defaultRaw('now()'),
    processed_at: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'webhook_delivery_pending_idx',
      expression:
        "CREATE INDEX webhook_delivery_pending_idx ON public.webhook_delivery USING btree (received_at) WHERE (status = 'received'::text)",
    },
  ],
  uniques: [{ name: 'webhook_delivery_connector_id_delivery_id_key', properties: ['connector_id', 'delivery_id'] }],
});
export type WebhookDelivery = InferEntity<typeof WebhookDelivery>;
/** A `webhook_delivery` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WebhookDeliveryRow = RowOf<typeof WebhookDelivery>;
