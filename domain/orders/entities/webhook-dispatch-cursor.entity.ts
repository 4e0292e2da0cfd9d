import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `webhook_dispatch_cursor`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const WebhookDispatchCursor = defineEntity({
  name: 'WebhookDispatchCursor',
  tableName: 'webhook_dispatch_cursor',
  properties: {
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('webhook_dispatch_cursor_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    last_seq: p.bigint('string').defaultRaw('0'),
  },
});
export type WebhookDispatchCursor = InferEntity<typeof WebhookDispatchCursor>;
/** A `webhook_dispatch_cursor` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WebhookDispatchCursorRow = RowOf<typeof WebhookDispatchCursor>;
