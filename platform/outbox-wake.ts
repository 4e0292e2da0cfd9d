/**
 * Wakes the outbox relay the moment a transaction that wrote outbox rows commits, so a live event does
 * not sit until the relay's next poll (RELAY_POLL_MS). NOTIFY would do it but takes a cluster-wide lock
 * at commit (migration 000007 dropped it for that); a Redis message after the commit costs the writer
 * nothing inside its transaction. Writers mark their transaction when they write the outbox
 * (`outboxWritten`); an ORM subscriber publishes after the root commit, coalesced to one message in
 * flight per process. The relay listens (`onOutboxWake`) and polls as before, so a lost message costs
 * at most one poll interval, never an event.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { Orm } from './db.js';

const written = new WeakSet<object>();
let publishWake: (() => void) | undefined;

const channel = (prefix: string) => `${prefix}:outbox-wake`;

/** Called by whatever writes outbox rows: wakes the relay now (no transaction) or when the transaction commits. */
export function outboxWritten(em: EntityManager): void {
  const trx = em.isInTransaction() ? em.getTransactionContext() : undefined;
  if (trx) written.add(trx as object);
  else publishWake?.();
}

/** Publishes a wake after every root commit of a transaction that wrote the outbox (one per process and ORM). */
export function installOutboxWake(orm: Orm, redis: Redis, prefix: string): void {
  let inFlight = false;
  let again = false;
  const publish = () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    void redis
      .publish(channel(prefix), '')
      .catch(() => undefined)
      .finally(() => {
        inFlight = false;
        if (again) {
          again = false;
          publish();
        }
      });
  };
  publishWake = publish;
  orm.em.getEventManager().registerSubscriber({
    afterTransactionCommit(args) {
      if (args.transaction && written.delete(args.transaction as object)) publish();
    },
  });
}

/** Subscribes `wake` to the wake messages on its own connection; returns the unsubscribe. */
export async function onOutboxWake(redis: Redis, prefix: string, wake: () => void): Promise<() => Promise<void>> {
  const sub = redis.duplicate();
  sub.on('message', () => wake());
  await sub.subscribe(channel(prefix));
  return async () => {
    sub.disconnect();
  };
}
