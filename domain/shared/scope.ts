/**
 * Warehouse scope of nested ids: the one check every service runs on ids named inside a command (a zone in a
 * profile, a location in a task, a plate in a stock key). The caller's scope is checked on the command's warehouse;
 * each id it names must then belong to that same warehouse, or it does not exist for this command (404 naming it).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from './errors.js';
import { sql } from './sql.js';
import type { IdRow } from './rows.js';

/** Kinds of warehouse-owned objects a command may name, and their table. */
const TABLES = {
  Zone: 'zone',
  Location: 'location',
  LPN: 'license_plate',
  Wave: 'wave',
  'Wave template': 'wave_template',
  Order: 'sales_order',
  Vehicle: 'vehicle',
  Route: 'route',
  ASN: 'asn',
  Task: 'task',
} as const;
export type ScopedKind = keyof typeof TABLES;

/**
 * Throws NotFound for the first id (in argument order) that is not a `kind` of `warehouseId`. Null/undefined ids
 * are skipped, so optional fields pass straight in. One query per kind.
 */
export async function assertInWarehouse(
  em: EntityManager,
  warehouseId: string,
  refs: readonly (readonly [ScopedKind, string | null | undefined | readonly string[]])[],
): Promise<void> {
  for (const [kind, ids] of refs) {
    const list = (Array.isArray(ids) ? ids : ids ? [ids] : []) as string[];
    if (list.length === 0) continue;
    const uniq = [...new Set(list)];
    const found = await sql<IdRow>(em, `select id::text as id from ${TABLES[kind]} where id = any(?::uuid[]) and warehouse_id = ?`, [
      `{${uniq.join(',')}}`,
      warehouseId,
    ]);
    const ok = new Set(found.map((r) => r.id));
    const missing = uniq.find((id) => !ok.has(id));
    if (missing) throw new NotFound(kind, missing);
  }
}

/** Throws NotFound('User') unless the user exists, is active and works in `warehouseId`. */
export async function assertUserInWarehouse(em: EntityManager, warehouseId: string, userId: string): Promise<void> {
  const [u] = await sql(em, 'select 1 from app_user where id = ? and active and ? = any(warehouse_ids)', [userId, warehouseId]);
  if (!u) throw new NotFound('User', userId);
}
