import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `webhook_subscription`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const WebhookSubscription = defineEntity({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscription',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('webhook_subscription_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    url: p.text(),
    event_types: p.array(),
    secret_enc: p.text(),
    description: p.text().nullable(),
    active: p.boolean().defaultRaw('true'),
    created_by: p.text().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
});
export type WebhookSubscription = InferEntity<typeof WebhookSubscription>;
/** A `webhook_subscription` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WebhookSubscriptionRow = RowOf<typeof WebhookSubscription>;
