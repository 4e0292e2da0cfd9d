import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Connector } from './connector.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `intake_dead_letter`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const IntakeDeadLetter = defineEntity({
  name: 'IntakeDeadLetter',
  tableName: 'intake_dead_letter',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    connector_id: () =>
      p
        .manyToOne(Connector)
        .mapToPk()
        .fieldName('connector_id')
        .foreignKeyName('intake_dead_letter_connector_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('intake_dead_letter_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    source: p.text(),
    delivery_id: p.text().nullable(),
    topic: p.text().nullable(),
    reason: p.text(),
    raw_body: p.text(),
    created_at: p.datetime().defaultRaw('now()'),
    replayed_at: p.datetime().nullable(),
    replay_result: p.text().nullable(),
  },
  indexes: [{ name: 'intake_dead_letter_wh_idx', properties: ['warehouse_id', 'created_at'] }],
});
export type IntakeDeadLetter = InferEntity<typeof IntakeDeadLetter>;
/** A `intake_dead_letter` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type IntakeDeadLetterRow = RowOf<typeof IntakeDeadLetter>;
