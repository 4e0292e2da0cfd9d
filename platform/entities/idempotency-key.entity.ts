import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../domain/shared/rows.js';

/** Table `idempotency_key`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_key',
  properties: {
    scope: p.text().primary(),
    key: p.text().primary(),
    request_hash: p.text(),
    status_code: p.integer().nullable(),
    response_body: p.json<unknown>().nullable(),
    response_headers: p.json<unknown>().nullable(),
    locked_until: p.datetime().nullable(),
    created_at: p.datetime().defaultRaw('now()'),
    applied_at: p.datetime().nullable(),
  },
  indexes: [{ name: 'idempotency_key_created_idx', properties: ['created_at'] }],
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKey>;
/** A `idempotency_key` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type IdempotencyKeyRow = RowOf<typeof IdempotencyKey>;
