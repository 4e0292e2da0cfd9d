import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `api_client`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const ApiClient = defineEntity({
  name: 'ApiClient',
  tableName: 'api_client',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    name: p.text(),
    key_prefix: p.text(),
    key_hash: p.text(),
    scopes: p.array().defaultRaw("'{}'"),
    warehouse_ids: p.array().columnType('uuid[]').defaultRaw("'{}'"),
    active: p.boolean().defaultRaw('true'),
    created_at: p.datetime().defaultRaw('now()'),
    last_used_at: p.datetime().nullable(),
    revoked_at: p.datetime().nullable(),
  },
  uniques: [{ name: 'api_client_key_prefix_key', properties: ['key_prefix'] }],
});
export type ApiClient = InferEntity<typeof ApiClient>;
/** A `api_client` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type ApiClientRow = RowOf<typeof ApiClient>;
