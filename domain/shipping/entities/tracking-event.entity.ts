import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Shipment } from './shipment.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `tracking_event`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const TrackingEvent = defineEntity({
  name: 'TrackingEvent',
  tableName: 'tracking_event',
  properties: {
    id: p.bigint('string').primary(),
    shipment_id: () =>
      p
        .manyToOne(Shipment)
        .mapToPk()
        .fieldName('shipment_id')
        .foreignKeyName('tracking_event_shipment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    status: p.enum([
      'pre_transit',
      'in_transit',
      'out_for_delivery',
      'delivered',
      'available_for_pickup',
      'failure',
      'return_to_sender',
      'exception',
    ]),
    detail: p.text().defaultRaw("''"),
    location: p.json<unknown>().defaultRaw("'{}'"),
    occurred_at: p.datetime(),
    estimated_delivery: p.date().nullable(),
    source: p.text(),
    received_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [
    { name: 'tracking_event_shipment_id_status_occurred_at_detail_key', properties: ['shipment_id', 'status', 'occurred_at', 'detail'] },
  ],
});
export type TrackingEvent = InferEntity<typeof TrackingEvent>;
/** A `tracking_event` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type TrackingEventRow = RowOf<typeof TrackingEvent>;
