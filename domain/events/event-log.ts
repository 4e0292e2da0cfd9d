import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import type { RelayedEvent } from './catalogue.js';
import type { OutboxRow } from './entities/outbox.entity.js';

/** A sequenced outbox row (seq assigned by the relay); created_at as raw SQL (text) or an entity (Date) gives it. */
type Row = Pick<OutboxRow, 'id' | 'warehouse_id' | 'type' | 'payload'> & {
  seq: NonNullable<OutboxRow['seq']>;
  created_at: OutboxRow['created_at'] | Date;
};

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

/** A warehouse's sequenced events after a seq; the caller adds the order and the limit. */
const EVENTS_AFTER_SQL = 'select id, seq, warehouse_id, type, payload, created_at from outbox where warehouse_id = ? and seq > ?';

/** Sequenced events of a warehouse after `afterSeq`, in order (reconnect catch-up and HTTP polling). */
export async function eventsAfter(em: EntityManager, warehouseId: string, afterSeq: number, limit = 500): Promise<RelayedEvent[]> {
  const rows = await sql<Row>(em, `${EVENTS_AFTER_SQL} order by seq limit ?`, [warehouseId, afterSeq, limit]);
  return rows.map(toRelayed);
}

/**
 * The newest `limit` sequenced events of a warehouse after `afterSeq`, oldest first: what a screen opened mid-shift
 * shows before live events arrive (the feed), without replaying the whole day.
 */
export async function latestEvents(em: EntityManager, warehouseId: string, limit: number, afterSeq = 0): Promise<RelayedEvent[]> {
  const rows = await sql<Row>(em, `${EVENTS_AFTER_SQL} order by seq desc limit ?`, [warehouseId, afterSeq, limit]);
  return rows.reverse().map(toRelayed);
}
