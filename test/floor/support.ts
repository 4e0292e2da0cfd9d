import type { Role } from '../../domain/shared/roles.js';
import { sql } from '../../domain/shared/sql.js';
import type { TestSystem } from '../harness/context.js';

export interface BulkUser { id: string; username: string; token: string }

/** Many users at once (one INSERT, no password hashing: they only use tokens). */
export async function bulkUsers(sys: TestSystem, prefix: string, n: number, roles: Role[], warehouseId = sys.wh1): Promise<BulkUser[]> {
  const rows = await sql<{ id: string; username: string }>(sys.rt.orm.em.fork(), `
    insert into app_user (username, display_name, password_hash, roles, warehouse_ids)
    select ? || '-' || g, ? || ' ' || g, 'x', ?::text[], ?::uuid[] from generate_series(1, ?) g
    returning id, username`, [prefix, prefix, `{${roles.join(',')}}`, `{${warehouseId}}`, n]);
  return rows.map((r) => ({ ...r, token: sys.token({ id: r.id, username: r.username, roles, warehouseIds: [warehouseId] }) }));
}

/** JSON request returning status and body (no throw on 4xx/5xx). */
export async function call(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
