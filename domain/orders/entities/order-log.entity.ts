import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { SalesOrder } from './sales-order.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `order_log`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const OrderLog = defineEntity({
  name: 'OrderLog',
  tableName: 'order_log',
  properties: {
    id: p.bigint('string').generated('identity').autoincrement().primary(),
    order_id: () =>
      p
        .manyToOne(SalesOrder)
        .mapToPk()
        .fieldName('order_id')
        .foreignKeyName('order_log_order_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    at: p.datetime().defaultRaw('clock_timestamp()'),
    category: p.enum(['intake', 'allocation', 'fulfilment', 'cancellation', 'hold']),
    action: p.text(),
    line_id: p.uuid().nullable(),
    message: p.text(),
    data: p.json<unknown>().defaultRaw("'{}'"),
  },
  indexes: [{ name: 'order_log_order_idx', properties: ['order_id', 'id'] }],
});
export type OrderLog = InferEntity<typeof OrderLog>;
/** A `order_log` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type OrderLogRow = RowOf<typeof OrderLog>;
