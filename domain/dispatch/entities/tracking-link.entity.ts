import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Shipment } from '../../shipping/entities/shipment.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `tracking_link`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const TrackingLink = defineEntity({
  name: 'TrackingLink',
  tableName: 'tracking_link',
  properties: {
    token: p.text().primary(),
    shipment_id: () =>
      p
        .manyToOne(Shipment)
        .mapToPk()
        .fieldName('shipment_id')
        .foreignKeyName('tracking_link_shipment_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('tracking_link_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'tracking_link_shipment_id_key', properties: ['shipment_id'] }],
});
export type TrackingLink = InferEntity<typeof TrackingLink>;
/** A `tracking_link` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type TrackingLinkRow = RowOf<typeof TrackingLink>;
