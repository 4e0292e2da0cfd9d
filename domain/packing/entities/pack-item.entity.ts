import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PackSession } from './pack-session.entity.js';
import { Sku } from '../../catalog/entities/sku.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `pack_item`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const PackItem = defineEntity({
  name: 'PackItem',
  tableName: 'pack_item',
  properties: {
    session_id: () =>
      p
        .manyToOne(PackSession)
        .mapToPk()
        .fieldName('session_id')
        .foreignKeyName('pack_item_session_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action')
        .primary(),
    sku_id: () =>
      p
        .manyToOne(Sku)
        .mapToPk()
        .fieldName('sku_id')
        .foreignKeyName('pack_item_sku_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .primary(),
    qty_expected: p.integer(),
    qty_verified: p.integer().defaultRaw('0'),
  },
});
export type PackItem = InferEntity<typeof PackItem>;
/** A `pack_item` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type PackItemRow = RowOf<typeof PackItem>;
