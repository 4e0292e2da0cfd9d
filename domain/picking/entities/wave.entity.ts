import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { WaveTemplate } from './wave-template.entity.js';
import { waveLifecycle } from '../wave.lifecycle.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `wave`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const Wave = defineEntity({
  name: 'Wave',
  tableName: 'wave',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('wave_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    template_id: () =>
      p
        .manyToOne(WaveTemplate)
        .mapToPk()
        .fieldName('template_id')
        .foreignKeyName('wave_template_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    number: p.bigint('string').generated('identity').autoincrement(),
    status: p.enum([...waveLifecycle.states]).defaultRaw("'planned'"),
    pick_mode: p.enum(['discrete', 'batch', 'zone']),
    cart_slots: p.integer().defaultRaw('8'),
    streaming: p.boolean().defaultRaw('false'),
    priority: p.integer().defaultRaw('50'),
    allocation_log: p.json<unknown>().defaultRaw("'[]'"),
    created_by: p.uuid().nullable(),
    released_by: p.uuid().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    released_at: p.datetime().nullable(),
    completed_at: p.datetime().nullable(),
  },
  indexes: [{ name: 'wave_wh_status_idx', properties: ['warehouse_id', 'status', 'created_at'] }],
});
export type Wave = InferEntity<typeof Wave>;
/** A `wave` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WaveRow = RowOf<typeof Wave>;
