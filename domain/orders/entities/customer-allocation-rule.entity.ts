import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Connector } from './connector.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `customer_allocation_rule`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const CustomerAllocationRule = defineEntity({
  name: 'CustomerAllocationRule',
  tableName: 'customer_allocation_rule',
  properties: {
    connector_id: () =>
      p
        .manyToOne(Connector)
        .mapToPk()
        .fieldName('connector_id')
        .foreignKeyName('customer_allocation_rule_connector_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action')
        .primary(),
    customer_key: p.text().primary(),
    min_shelf_life_days: p.integer(),
  },
});
export type CustomerAllocationRule = InferEntity<typeof CustomerAllocationRule>;
/** A `customer_allocation_rule` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type CustomerAllocationRuleRow = RowOf<typeof CustomerAllocationRule>;
