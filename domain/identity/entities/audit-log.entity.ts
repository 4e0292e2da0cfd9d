import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { RowOf } from '../../shared/rows.js';

/** Table `audit_log`. The schema changes only through migrations/; test/foundation/schema-drift.test.ts keeps this in step. */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  properties: {
    id: p.bigint('string').generated('identity').autoincrement().primary(),
    at: p.datetime().defaultRaw('now()'),
    actor_type: p.enum(['user', 'api_client', 'system', 'anonymous']),
    actor_id: p.text().nullable(),
    action: p.text(),
    object_type: p.text().nullable(),
    object_id: p.text().nullable(),
    warehouse_id: p.uuid().nullable(),
    device_id: p.text().nullable(),
    ip: p.text().nullable(),
    details: p.json<unknown>().defaultRaw("'{}'"),
  },
  indexes: [
    { name: 'audit_log_at_idx', properties: ['at'] },
    { name: 'audit_log_object_idx', properties: ['object_type', 'object_id'] },
  ],
});
export type AuditLog = InferEntity<typeof AuditLog>;
/** A `audit_log` row as raw SQL returns it (snake_case columns, timestamps as ISO strings). */
export type AuditLogRow = RowOf<typeof AuditLog>;
