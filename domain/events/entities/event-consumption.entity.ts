import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `event_consumption`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const EventConsumption = defineEntity({
  name: 'EventConsumption',
  tableName: 'event_consumption',
  properties: {
    queue: p.text().primary(),
    event_id: p.bigint('string').primary(),
    consumed_at: p.datetime().defaultRaw('now()'),
  },
});
export type EventConsumption = InferEntity<typeof EventConsumption>;
/** A `event_consumption` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type EventConsumptionRow = RowOf<typeof EventConsumption>;
