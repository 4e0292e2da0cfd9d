import type { EntityManager } from '@mikro-orm/postgresql';
import { emit, type EmitInput } from '../events/outbox.js';
import type { DomainEventType } from '../events/catalogue.js';
import { writeMove, writeMoveOne, type MoveWrite } from '../shared/lifecycle.js';
import { orderLifecycle, type OrderStatus } from './order.lifecycle.js';

/**
 * The one way `sales_order.status` changes, from any context (orders, picking, packing): every write is checked
 * against the order lifecycle's transition table (`order.lifecycle.ts`), carries its guard in SQL, stamps
 * `updated_at`, and emits the move's event, if it has one, in the same transaction.
 */
export interface OrderMove extends MoveWrite {
  /** Narrows the table's sources of `to` for this caller (each must be a legal source: checked). */
  from?: readonly OrderStatus[];
  /** Events of the move, written to the outbox with it. */
  events?: EmitInput<DomainEventType>[];
}

function write(m: OrderMove): MoveWrite {
  return {
    set: `updated_at = now()${m.set ? `, ${m.set}` : ''}`,
    setParams: m.setParams,
    where: m.where,
    whereParams: m.whereParams,
  };
}

/** Moves the orders among `ids` that may reach `to` from where they are; returns the ids moved. */
export async function moveOrders(em: EntityManager, ids: readonly string[], to: OrderStatus, m: OrderMove = {}): Promise<string[]> {
  const w = write(m);
  if (m.from) {
    for (const f of m.from) orderLifecycle.assertMove(f, to);
    w.where = `status = any(?::text[])${w.where ? ` and (${w.where})` : ''}`;
    w.whereParams = [`{${m.from.join(',')}}`, ...(m.whereParams ?? [])];
  }
  const moved = await writeMove(em, orderLifecycle, ids, to, w);
  if (moved.length && m.events?.length) await emit(em, ...m.events);
  return moved;
}

/** Moves one order the caller has locked and read; an illegal move is a 409 `illegal-transition`. */
export async function moveOrder(
  em: EntityManager,
  order: { id: string; status: string },
  to: OrderStatus,
  m: OrderMove = {},
): Promise<void> {
  await writeMoveOne(em, orderLifecycle, order, to, write(m));
  if (m.events?.length) await emit(em, ...m.events);
}
