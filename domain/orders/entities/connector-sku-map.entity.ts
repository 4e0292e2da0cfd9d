import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Connector } from './connector.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `connector_sku_map`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ConnectorSkuMap = defineEntity({
  name: 'ConnectorSkuMap',
  tableName: 'connector_sku_map',
  properties: {
    connector_id: () =>
      p
        .manyToOne(Connector)
        .mapToPk()
        .fieldName('connector_id')
        .foreignKeyName('connector_sku_map_connector_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action')
        .primary(),
    external_ref: p.text().primary(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('connector_sku_map_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    created_at: p.datetime().defaultRaw('now()'),
  },
});
export type ConnectorSkuMap = InferEntity<typeof ConnectorSkuMap>;
/** A `connector_sku_map` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ConnectorSkuMapRow = RowOf<typeof ConnectorSkuMap>;
