import { keyset } from '../shared/cursor.js';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { AuditLog } from './entities/audit-log.entity.js';

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
  await em.insert(AuditLog, {
    actor_type: e.actorType,
    actor_id: e.actorId ?? null,
    action: e.action,
    object_type: e.objectType ?? null,
    object_id: e.objectId ?? null,
    warehouse_id: e.warehouseId ?? null,
    device_id: e.deviceId ?? null,
    ip: e.ip ?? null,
    details: e.details ?? {},
  });
}

export interface AuditQuery {
  cursor?: string;
  limit: number;
  action?: string;
  objectType?: string;
  objectId?: string;
}

/** Newest first, keyset on id (the opaque cursor holds the last id seen). Non-admins see entries of their warehouses and their own actions. */
export async function listAudit(em: EntityManager, actor: { id: string; allWarehouses: boolean; warehouseIds: string[] }, q: AuditQuery) {
  const where: FilterQuery<AuditLog> = {};
  const after = auditKeys.after(q.cursor);
  if (after) where.id = { $lt: after[0] };
  if (q.action) where.action = q.action;
  if (q.objectType) where.object_type = q.objectType;
  if (q.objectId) where.object_id = q.objectId;
  if (!actor.allWarehouses) where.$or = [{ warehouse_id: { $in: actor.warehouseIds } }, { actor_id: actor.id }];
  const rows = await em.find(AuditLog, where, { orderBy: { id: 'desc' }, limit: q.limit + 1, disableIdentityMap: true });
  const page = auditKeys.page(rows, q.limit, (r) => [String(r.id)]);
  return {
    items: page.items.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actorType: r.actor_type,
      actorId: r.actor_id ?? null,
      action: r.action,
      objectType: r.object_type ?? null,
      objectId: r.object_id ?? null,
      warehouseId: r.warehouse_id ?? null,
      deviceId: r.device_id ?? null,
      ip: r.ip ?? null,
      details: r.details as Record<string, unknown>,
    })),
    nextCursor: page.nextCursor,
  };
}
