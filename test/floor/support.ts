import type { Role } from '../../domain/shared/roles.js';
import { sql } from '../../domain/shared/sql.js';
import type { TestSystem } from '../harness/context.js';

import type { AppUserRow } from '../../domain/identity/entities/app-user.entity.js';
export interface BulkUser {
  id: string;
  username: string;
  token: string;
}

/** Many users at once (one INSERT, no password hashing: they only use tokens). */
export async function bulkUsers(sys: TestSystem, prefix: string, n: number, roles: Role[], warehouseId = sys.wh1): Promise<BulkUser[]> {
  const rows = await sql<Pick<AppUserRow, 'id' | 'username'>>(
    sys.rt.orm.em.fork(),
    `
    insert into app_user (username, display_name, password_hash, roles, warehouse_ids)
    select ? || '-' || g, ? || ' ' || g, 'x', ?::text[], ?::uuid[] from generate_series(1, ?) g
    returning id, username`,
    [prefix, prefix, `{${roles.join(',')}}`, `{${warehouseId}}`, n],
  );
  return rows.map((r) => ({ ...r, token: sys.token({ id: r.id, username: r.username, roles, warehouseIds: [warehouseId] }) }));
}

/** JSON request returning status and body (no throw on 4xx/5xx). */
export async function call(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Scans every open line of a pick task through the API (location, item, qty, tote) until it is done. */
export async function pickWholeTask(
  url: string,
  token: string,
  task: any,
  scanFor: (line: any) => string,
  toteFor: (taskId: string, orderId: string) => string,
): Promise<any> {
  while (task.status !== 'done') {
    const line = task.lines.find((l: { status: string }) => l.status === 'open');
    const r = await call('POST', `${url}/v1/tasks/${task.id}/lines/${line.id}/confirm`, token, {
      locationScan: line.locationCode,
      itemScan: scanFor(line),
      qty: line.qty - line.qtyPicked,
      toteScan: toteFor(task.id, line.orderId),
    });
    if (r.status !== 200) throw new Error(`confirm failed ${r.status}: ${JSON.stringify(r.body)}`);
    task = r.body;
  }
  return task;
}

/** Polls until cond() holds (for effects of background workers). */
export async function eventually<T>(fn: () => Promise<T>, cond: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (cond(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
