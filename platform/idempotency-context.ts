import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The Idempotency-Key a request is running under (set by the API's idempotency hooks around the route handler).
 * `withTx` marks the key applied inside the command's own transaction, so "effect committed" and "key applied"
 * are one fact: a retry after a crash between commit and response is answered without running the command again.
 */
export interface IdempotencyScope {
  scope: string;
  key: string;
  marked: boolean;
}

export const idempotencyContext = new AsyncLocalStorage<IdempotencyScope>();

/** Inside a transaction: record that the current request's command took effect (once per request). */
export async function markIdempotencyApplied(tx: EntityManager): Promise<void> {
  const s = idempotencyContext.getStore();
  if (!s || s.marked) return;
  await tx.execute('update idempotency_key set applied_at = now() where scope = ? and key = ? and applied_at is null', [s.scope, s.key]);
}

/** Whether the request carries an Idempotency-Key still to be marked applied, in its command's own transaction (withTx). */
export function idempotencyPending(): boolean {
  const s = idempotencyContext.getStore();
  return !!s && !s.marked;
}

/** After the transaction committed. */
export function idempotencyCommitted(): void {
  const s = idempotencyContext.getStore();
  if (s) s.marked = true;
}

/**
 * For work done outside the request's own async context (a batch written for many requests): marks
 * each request's key applied inside the batch's transaction; call `committed` after the commit.
 */
export async function markScopesApplied(tx: EntityManager, scopes: IdempotencyScope[]): Promise<{ committed: () => void }> {
  for (const s of scopes)
    if (!s.marked)
      await tx.execute('update idempotency_key set applied_at = now() where scope = ? and key = ? and applied_at is null', [
        s.scope,
        s.key,
      ]);
  return { committed: () => scopes.forEach((s) => (s.marked = true)) };
}
