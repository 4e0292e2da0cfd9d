import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AppUser } from './app-user.entity.js';
import type { RowOf } from '../../shared/rows.js';

/** Table `refresh_token`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    user_id: () =>
      p
        .manyToOne(AppUser)
        .mapToPk()
        .fieldName('user_id')
        .foreignKeyName('refresh_token_user_id_fkey')
        .deleteRule('cascade')
        .updateRule('no action'),
    family_id: p.uuid(),
    token_hash: p.text(),
    device_id: p.text().nullable(),
    expires_at: p.datetime(),
    used_at: p.datetime().nullable(),
    revoked_at: p.datetime().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'refresh_token_family_idx', properties: ['family_id'] }],
  uniques: [{ name: 'refresh_token_token_hash_key', properties: ['token_hash'] }],
});
export type RefreshToken = InferEntity<typeof RefreshToken>;
/** A `refresh_token` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type RefreshTokenRow = RowOf<typeof RefreshToken>;
