import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `wave_template`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const WaveTemplate = defineEntity({
  name: 'WaveTemplate',
  tableName: 'wave_template',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('wave_template_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    name: p.text(),
    carrier_codes: p.array().defaultRaw("'{}'"),
    service_codes: p.array().defaultRaw("'{}'"),
    zone_ids: p.array().columnType('uuid[]').defaultRaw("'{}'"),
    order_profile: p.enum(['any', 'single_line', 'multi_line']).defaultRaw("'any'"),
    cutoff_within_s: p.integer().nullable(),
    max_orders: p.integer().defaultRaw('200'),
    pick_mode: p.enum(['discrete', 'batch', 'zone']).defaultRaw("'batch'"),
    cart_slots: p.integer().defaultRaw('8'),
    streaming: p.boolean().defaultRaw('false'),
    release_every_s: p.integer().nullable(),
    next_release_at: p.datetime().nullable(),
    priority: p.integer().defaultRaw('50'),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'wave_template_warehouse_id_name_key', properties: ['warehouse_id', 'name'] }],
});
export type WaveTemplate = InferEntity<typeof WaveTemplate>;
/** A `wave_template` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WaveTemplateRow = RowOf<typeof WaveTemplate>;
