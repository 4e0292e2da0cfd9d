import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { AuditLogRow } from './entities/audit-log.entity.js';

const auditKeys = keyset(['bigint']);

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
  await sql(
    em,
    `insert into audit_log (actor_type, actor_id, action, object_type, object_id, warehouse_id, device_id, ip, details)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
      e.actorType,
      e.actorId ?? null,
      e.action,
      e.objectType ?? null,
      e.objectId ?? null,
      e.warehouseId ?? null,
      e.deviceId ?? null,
      e.ip ?? null,
      JSON.stringify(e.details ?? {}),
    ],
  );
}

export interface AuditQuery {
  cursor?: string;
  limit: number;
  action?: string;
  objectType?: string;
  objectId?: string;
}
export type ListAuditRow = Pick<
  AuditLogRow,
  'id' | 'at' | 'actor_type' | 'actor_id' | 'action' | 'object_type' | 'object_id' | 'warehouse_id' | 'device_id' | 'ip'
> & { details: Record<string, unknown> };

/** Newest first, keyset on id (the opaque cursor holds the last id seen). Non-admins see entries of their warehouses and their own actions. */
export async function listAudit(em: EntityManager, actor: { id: string; allWarehouses: boolean; warehouseIds: string[] }, q: AuditQuery) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  const after = auditKeys.after(q.cursor);
  if (after) add('id < ?::bigint', after[0]);
  if (q.action) add('action = ?', q.action);
  if (q.objectType) add('object_type = ?', q.objectType);
  if (q.objectId) add('object_id = ?', q.objectId);
  if (!actor.allWarehouses) add('(warehouse_id = any(?::uuid[]) or actor_id = ?)', `{${actor.warehouseIds.join(',')}}`, actor.id);
  const rows = await sql<ListAuditRow>(
    em,
    `select * from audit_log ${where.length ? 'where ' + where.join(' and ') : ''} order by id desc limit ?`,
    [...params, q.limit + 1],
  );
  const page = auditKeys.page(rows, q.limit, (r) => [String(r.id)]);
  return {
    items: page.items.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actorType: r.actor_type,
      actorId: r.actor_id,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      warehouseId: r.warehouse_id,
      deviceId: r.device_id,
      ip: r.ip,
      details: r.details,
    })),
    nextCursor: page.nextCursor,
  };
}
