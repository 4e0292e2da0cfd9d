import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `app_user`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const AppUser = defineEntity({
  name: 'AppUser',
  tableName: 'app_user',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    username: p.text(),
    display_name: p.text(),
    password_hash: p.text(),
    badge_code: p.text().nullable(),
    pin_hash: p.text().nullable(),
    roles: p.array(),
    warehouse_ids: p.array().columnType('uuid[]').defaultRaw("'{}'"),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
    pin_failures: p.integer().defaultRaw('0'),
    pin_locked_until: p.datetime().nullable(),
    token_version: p.integer().defaultRaw('0'),
    locale: p.enum(['en', 'zh-CN']).nullable(),
  },
  uniques: [
    { name: 'app_user_badge_code_key', properties: ['badge_code'] },
    { name: 'app_user_username_key', properties: ['username'] },
  ],
});
export type AppUser = InferEntity<typeof AppUser>;
/** A `app_user` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type AppUserRow = RowOf<typeof AppUser>;
