import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `consignment`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Consignment = defineEntity({
  name: 'Consignment',
  tableName: 'consignment',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('consignment_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    consolidation_key: p.text(),
    delivery_mode: p.enum(['own_fleet', 'parcel', 'consolidation', 'ltl', '3pl']),
    carrier_code: p.text(),
    service_code: p.text(),
    order_ids: p.array().columnType('uuid[]'),
    shipment_ids: p.array().columnType('uuid[]'),
    total_minor: p.integer(),
    currency: p.character().length(3),
    reason: p.text(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    {
      name: 'consignment_wh_created_idx',
      expression: 'CREATE INDEX consignment_wh_created_idx ON public.consignment USING btree (warehouse_id, created_at DESC)',
    },
  ],
});
export type Consignment = InferEntity<typeof Consignment>;
/** A `consignment` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ConsignmentRow = RowOf<typeof Consignment>;
