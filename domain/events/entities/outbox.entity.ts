import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `outbox`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Outbox = defineEntity({
  name: 'Outbox',
  tableName: 'outbox',
  properties: {
    id: p.bigint('string').generated('identity').autoincrement().primary(),
    tx_id: p.string().columnType('xid8').defaultRaw('pg_current_xact_id()'),
    created_at: p.datetime().defaultRaw('clock_timestamp()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('outbox_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    type: p.text(),
    rooms: p.array().defaultRaw("'{}'"),
    payload: p.json<unknown>(),
    actor_id: p.text().nullable(),
    seq: p.bigint('string').nullable(),
    relayed_at: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'outbox_pending_idx',
      expression: 'CREATE INDEX outbox_pending_idx ON public.outbox USING btree (created_at, id) WHERE (seq IS NULL)',
    },
    {
      name: 'outbox_relayed_idx',
      expression: 'CREATE INDEX outbox_relayed_idx ON public.outbox USING btree (relayed_at) WHERE (relayed_at IS NOT NULL)',
    },
    {
      name: 'outbox_undelivered_idx',
      expression:
        'CREATE INDEX outbox_undelivered_idx ON public.outbox USING btree (seq) WHERE ((seq IS NOT NULL) AND (relayed_at IS NULL))',
    },
  ],
  uniques: [{ name: 'outbox_warehouse_id_seq_key', properties: ['warehouse_id', 'seq'] }],
});
export type Outbox = InferEntity<typeof Outbox>;
/** A `outbox` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type OutboxRow = RowOf<typeof Outbox>;
