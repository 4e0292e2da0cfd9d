import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `pod_policy`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const PodPolicy = defineEntity({
  name: 'PodPolicy',
  tableName: 'pod_policy',
  properties: {
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('pod_policy_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    delivery_method: p.text().primary(),
    photo: p.enum(['required', 'optional', 'off']).defaultRaw("'optional'"),
    signature: p.enum(['required', 'optional', 'off']).defaultRaw("'optional'"),
    recipient_name: p.enum(['required', 'optional', 'off']).defaultRaw("'optional'"),
    notes: p.enum(['required', 'optional', 'off']).defaultRaw("'optional'"),
    updated_at: p.datetime().defaultRaw('now()'),
  },
});
export type PodPolicy = InferEntity<typeof PodPolicy>;
/** A `pod_policy` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type PodPolicyRow = RowOf<typeof PodPolicy>;
