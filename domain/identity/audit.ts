import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';

export interface AuditEntry {
  actorType: 'user' | 'api_client' | 'system' | 'anonymous';
  actorId?: string;
  action: string;
  objectType?: string;
  objectId?: string;
  warehouseId?: string;
  deviceId?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/** Who did what, when, from which device. Written in the caller's transaction. */
export async function recordAudit(em: EntityManager, e: AuditEntry): Promise<void> {
  await sql(em, `insert into audit_log (actor_type, actor_id, action, object_type, object_id, warehouse_id, device_id, ip, details)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`, [
    e.actorType, e.actorId ?? null, e.action, e.objectType ?? null, e.objectId ?? null, e.warehouseId ?? null,
    e.deviceId ?? null, e.ip ?? null, JSON.stringify(e.details ?? {}),
  ]);
}
