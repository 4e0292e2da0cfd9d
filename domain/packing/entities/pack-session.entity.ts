import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppUser } from '../../identity/entities/app-user.entity.js';
import { Warehouse } from '../../layout/entities/warehouse.entity.js';
import { packSessionLifecycle } from '../pack-session.lifecycle.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `pack_session`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const PackSession = defineEntity({
  name: 'PackSession',
  tableName: 'pack_session',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    warehouse_id: () =>
      p
        .manyToOne(Warehouse)
        .mapToPk()
        .fieldName('warehouse_id')
        .foreignKeyName('pack_session_warehouse_id_fkey')
        .deleteRule('no action')
        .updateRule('no action'),
    station_code: p.text(),
    order_id: p.uuid(),
    packer_id: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('packer_id')
        .foreignKeyName('pack_session_packer_id_fkey')
        .deleteRule('no action')
        .updateRule('no action')
        .nullable(),
    status: p.enum([...packSessionLifecycle.states]).defaultRaw("'verifying'"),
    tote_codes: p.array().defaultRaw("'{}'"),
    proposal: p.json<unknown>().nullable(),
    expected_weight_g: p.integer().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    packed_at: p.datetime().nullable(),
    /** Until when the packer in packer_id holds the session (domain/packing/pack-lease.ts). */
    lease_expires_at: p.datetime().nullable(),
  },
  indexes: [
    {
      name: 'pack_session_lease_idx',
      expression:
        "CREATE INDEX pack_session_lease_idx ON public.pack_session USING btree (lease_expires_at) WHERE ((status = ANY (ARRAY['verifying'::text, 'verified'::text])) AND (packer_id IS NOT NULL))",
    },
  ],
  uniques: [
    {
      name: 'pack_session_open_uq',
      expression:
        "CREATE UNIQUE INDEX pack_session_open_uq ON public.pack_session USING btree (order_id) WHERE (status = ANY (ARRAY['verifying'::text, 'verified'::text]))",
    },
  ],
});
export type PackSession = InferEntity<typeof PackSession>;
/** A `pack_session` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type PackSessionRow = RowOf<typeof PackSession>;
