import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `warehouse`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Warehouse = defineEntity({
  name: 'Warehouse',
  tableName: 'warehouse',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text(),
    name: p.text(),
    timezone: p.text().defaultRaw("'UTC'"),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'warehouse_code_key', properties: ['code'] }],
});
export type Warehouse = InferEntity<typeof Warehouse>;
/** A `warehouse` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WarehouseRow = RowOf<typeof Warehouse>;
