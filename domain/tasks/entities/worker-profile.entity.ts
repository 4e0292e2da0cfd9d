import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppUser } from '../../identity/entities/app-user.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `worker_profile`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const WorkerProfile = defineEntity({
  name: 'WorkerProfile',
  tableName: 'worker_profile',
  properties: {
    user_id: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('user_id')
        .foreignKeyName('worker_profile_user_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action')
        .primary(),
    equipment: p.array().defaultRaw("'{}'"),
    zone_ids: p.array().columnType('uuid[]').defaultRaw("'{}'"),
    last_x_mm: p.integer().nullable(),
    last_y_mm: p.integer().nullable(),
    updated_at: p.datetime().defaultRaw('now()'),
  },
});
export type WorkerProfile = InferEntity<typeof WorkerProfile>;
/** A `worker_profile` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type WorkerProfileRow = RowOf<typeof WorkerProfile>;
