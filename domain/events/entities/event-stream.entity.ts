import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `event_stream`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const EventStream = defineEntity({
  name: 'EventStream',
  tableName: 'event_stream',
  properties: {
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('event_stream_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    last_seq: p.bigint('string').defaultRaw('0'),
  },
});
export type EventStream = InferEntity<typeof EventStream>;
/** A `event_stream` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type EventStreamRow = RowOf<typeof EventStream>;
