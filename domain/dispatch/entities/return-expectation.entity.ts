import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Asn } from '../../receiving/entities/asn.entity.js';
import { RouteStop } from './route-stop.entity.js';
import { Shipment } from '../../shipping/entities/shipment.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `return_expectation`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ReturnExpectation = defineEntity({
  name: 'ReturnExpectation',
  tableName: 'return_expectation',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('return_expectation_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    shipment_id: () =>
      p
        .manyToOne(Shipment)
        .mapToPk()
        .fieldName('shipment_id')
        .foreignKeyName('return_expectation_shipment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    stop_id: () =>
      p
        .manyToOne(RouteStop)
        .mapToPk()
        .fieldName('stop_id')
        .foreignKeyName('return_expectation_stop_id_fkey')
        .deleteRule('set null')
        .updateRule('no action')
        .nullable(),
    reason_code: p.text(),
    asn_id: () =>
      p
        .manyToOne(Asn)
        .mapToPk()
        .fieldName('asn_id')
        .foreignKeyName('return_expectation_asn_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    status: p.enum(['expected', 'received', 'cancelled']).defaultRaw("'expected'"),
    created_at: p.datetime().defaultRaw('now()'),
    received_at: p.datetime().nullable(),
  },
  uniques: [{ name: 'return_expectation_shipment_id_key', properties: ['shipment_id'] }],
});
export type ReturnExpectation = InferEntity<typeof ReturnExpectation>;
/** A `return_expectation` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ReturnExpectationRow = RowOf<typeof ReturnExpectation>;
