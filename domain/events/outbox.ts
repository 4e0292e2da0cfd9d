import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../shared/sql.js';
import { outboxWritten } from '../../platform/outbox-wake.js';
import { eventSchemas, type DomainEventType, type EventPayload } from './catalogue.js';

export interface EmitInput<T extends DomainEventType> {
  type: T;
  warehouseId: string;
  payload: EventPayload<T>;
  /** Extra Socket.IO rooms besides `warehouse:<id>`, e.g. `task:<id>`, `user:<id>`. */
  rooms?: string[];
  actorId?: string;
}

/**
 * Records domain events in the outbox inside the caller's transaction, so state and events commit
 * together. Call it after the state change (the row's clock timestamp orders dependent writes).
 * Writers take no sequence: the relay assigns it (workers/outbox-relay.ts).
 */
export async function emit<T extends DomainEventType>(em: EntityManager, ...events: EmitInput<T>[]): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const rows: string[] = [];
  for (const e of events) {
    const payload = eventSchemas[e.type].parse(e.payload);
    rows.push('(?, ?, ?::text[], ?::jsonb, ?)');
    values.push(e.warehouseId, e.type, toPgArray(e.rooms ?? []), JSON.stringify(payload), e.actorId ?? null);
  }
  await sql(em, `insert into outbox (warehouse_id, type, rooms, payload, actor_id) values ${rows.join(', ')}`, values);
  outboxWritten(em);
}

/**
 * The same validated rows for a caller that writes its events inside one larger statement (state and events in one
 * round trip): a JSON array for `jsonb_to_recordset(?::jsonb) as e(${OUTBOX_RECORD})`, inserted in array order.
 */
export function outboxRows<T extends DomainEventType>(...events: EmitInput<T>[]): string {
  return JSON.stringify(
    events.map((e) => ({
      warehouse_id: e.warehouseId,
      type: e.type,
      rooms: toPgArray(e.rooms ?? []),
      payload: eventSchemas[e.type].parse(e.payload),
      actor_id: e.actorId ?? null,
    })),
  );
}
/** Column list of `outboxRows` for `jsonb_to_recordset` (rooms travel as an array literal: `e.rooms::text[]`). */
export const OUTBOX_RECORD = 'warehouse_id uuid, type text, rooms text, payload jsonb, actor_id text';

function toPgArray(items: string[]): string {
  return `{${items.map((s) => `"${s.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}
