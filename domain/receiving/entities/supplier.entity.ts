import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `supplier`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Supplier = defineEntity({
  name: 'Supplier',
  tableName: 'supplier',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    name: p.text(),
    code: p.text().nullable(),
    lead_time_days: p.integer().defaultRaw('7'),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'supplier_name_uq', expression: 'CREATE UNIQUE INDEX supplier_name_uq ON public.supplier USING btree (lower(name))' }],
});
export type Supplier = InferEntity<typeof Supplier>;
/** A `supplier` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type SupplierRow = RowOf<typeof Supplier>;
