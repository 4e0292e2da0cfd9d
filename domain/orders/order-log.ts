import type { EntityManager } from '@mikro-orm/postgresql';
import { pgNullableArray, sql } from '../shared/sql.js';

export type LogCategory = 'intake' | 'allocation' | 'fulfilment' | 'cancellation' | 'hold';

export interface LogEntry {
  category: LogCategory;
  action: string;
  message: string;
  lineId?: string;
  data?: Record<string, unknown>;
}

/** Appends explainable entries to an order's timeline (same transaction as the change they explain). */
export async function logOrder(em: EntityManager, orderId: string, ...entries: LogEntry[]): Promise<void> {
  if (!entries.length) return;
  const values: unknown[] = [];
  const rows = entries.map((e) => {
    values.push(orderId, e.category, e.action, e.lineId ?? null, e.message, JSON.stringify(e.data ?? {}));
    return '(?, ?, ?, ?, ?, ?::jsonb)';
  });
  await sql(em, `insert into order_log (order_id, category, action, line_id, message, data) values ${rows.join(', ')}`, values);
}

/** The same entry on many orders' timelines in one statement (a wave release touches thousands of orders). */
export async function logOrders(em: EntityManager, orderIds: readonly string[], entry: LogEntry): Promise<void> {
  if (!orderIds.length) return;
  await sql(
    em,
    `insert into order_log (order_id, category, action, line_id, message, data)
    select o, ?, ?, ?, ?, ?::jsonb from unnest(?::uuid[]) as o`,
    [entry.category, entry.action, entry.lineId ?? null, entry.message, JSON.stringify(entry.data ?? {}), `{${orderIds.join(',')}}`],
  );
}

/** Entries of many orders' timelines in one statement (batch intake and allocation write hundreds at a time). */
export async function logOrderEntries(em: EntityManager, entries: readonly (LogEntry & { orderId: string })[]): Promise<void> {
  if (!entries.length) return;
  await sql(
    em,
    `insert into order_log (order_id, category, action, line_id, message, data)
    select * from unnest(?::uuid[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::jsonb[])`,
    [
      pgNullableArray(entries.map((e) => e.orderId)),
      pgNullableArray(entries.map((e) => e.category)),
      pgNullableArray(entries.map((e) => e.action)),
      pgNullableArray(entries.map((e) => e.lineId ?? null)),
      pgNullableArray(entries.map((e) => e.message)),
      pgNullableArray(entries.map((e) => JSON.stringify(e.data ?? {}))),
    ],
  );
}
