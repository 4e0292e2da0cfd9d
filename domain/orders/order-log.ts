import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';

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
