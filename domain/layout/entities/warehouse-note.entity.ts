import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppUser } from '../../identity/entities/app-user.entity.js';
import { Warehouse } from './warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `warehouse_note`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const WarehouseNote = defineEntity({
  name: 'WarehouseNote',
  tableName: 'warehouse_note',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('warehouse_note_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    text: p.text(),
    created_by: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('created_by')
        .foreignKeyName('warehouse_note_created_by_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
});
export type WarehouseNote = InferEntity<typeof WarehouseNote>;
/** A `warehouse_note` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WarehouseNoteRow = RowOf<typeof WarehouseNote>;
