import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `reconciler_repair`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ReconcilerRepair = defineEntity({
  name: 'ReconcilerRepair',
  tableName: 'reconciler_repair',
  properties: {
    kind: p.text().primary(),
    total: p.bigint('string').defaultRaw('0'),
    last_at: p.datetime().defaultRaw('now()'),
  },
});
export type ReconcilerRepair = InferEntity<typeof ReconcilerRepair>;
/** A `reconciler_repair` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ReconcilerRepairRow = RowOf<typeof ReconcilerRepair>;
