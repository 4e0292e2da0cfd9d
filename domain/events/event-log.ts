import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { RelayedEvent } from './catalogue.js';

interface Row {
  id: string;
  seq: string;
  warehouse_id: string;
  type: string;
  payload: unknown;
  created_at: Date | string;
}

export function toRelayed(r: Row): RelayedEvent {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    warehouseId: r.warehouse_id,
    type: r.type,
    payload: r.payload,
    occurredAt: new Date(r.created_at).toISOString(),
  };
}

/** Sequenced events of a warehouse after `afterSeq`, in order (reconnect catch-up and HTTP polling). */
export async function eventsAfter(em: EntityManager, warehouseId: string, afterSeq: number, limit = 500): Promise<RelayedEvent[]> {
  const rows = await sql<Row>(
    em,
    'select id, seq, warehouse_id, type, payload, created_at from outbox where warehouse_id = ? and seq > ? order by seq limit ?',
    [warehouseId, afterSeq, limit],
  );
  return rows.map(toRelayed);
}
