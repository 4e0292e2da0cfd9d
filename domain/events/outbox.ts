import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlPrepared } from '../shared/sql.js';
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
  // One prepared statement however many events: the rows travel as one JSON parameter, in array order (the ids, and
  // so the relay's order within the transaction, follow it). Inlined by em.execute, a wave release's hundreds of
  // payloads were escaped in JS one character at a time.
  await sqlPrepared(em, EMIT_SQL, [outboxRows(...events)]);
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

const EMIT_SQL = `insert into outbox (warehouse_id, type, rooms, payload, actor_id)
  select e.warehouse_id, e.type, e.rooms::text[], e.payload, e.actor_id from jsonb_to_recordset(?::jsonb) as e(${OUTBOX_RECORD})`;

function toPgArray(items: string[]): string {
  return `{${items.map((s) => `"${s.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}
