import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Runs raw SQL on the EntityManager's current transaction (knex-style `?` placeholders). */
export async function sql<T = Record<string, unknown>>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return (await em.execute(query, params as never[], 'all')) as T[];
}

export async function sqlOne<T = Record<string, unknown>>(
  em: EntityManager,
  query: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  const rows = await sql<T>(em, query, params);
  return rows[0];
}

const statementNames = new Map<string, string>();

/**
 * Like sql(), as a named prepared statement with bound parameters, for the statements a handheld sends hundreds
 * of times a shift. MikroORM's execute inlines every parameter into the text, so each call is a new statement to
 * parse and plan (1–3 ms for the floor's big CTE statements, 40+ ms on a backend that has not planned them yet,
 * against well under a millisecond of execution). node-postgres prepares a named query once per connection; after
 * five custom plans Postgres keeps a generic plan when it costs no more, so the statement is neither parsed nor
 * planned again (plan_cache_mode = auto). The name is derived from the text, so each variant of a statement gets
 * its own. Every `?` in the text is a parameter (none may appear in a literal). Needs a direct connection:
 * a transaction-pooling proxy would lose the prepared statements between transactions.
 */
export async function sqlPrepared<T = Record<string, unknown>>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  let name = statementNames.get(query);
  if (!name) {
    name = `dk_${createHash('sha1').update(query).digest('hex').slice(0, 20)}`;
    // Variants are few (a handful per statement); the bound only guards against a caller building unbounded texts.
    if (statementNames.size > 500) statementNames.clear();
    statementNames.set(query, name);
  }
  const raw = em
    .getConnection()
    .getKnex()
    .raw(query, params as never[])
    .options({ name });
  const trx = em.getTransactionContext();
  if (trx) raw.transacting(trx as never);
  try {
    return ((await raw) as { rows: T[] }).rows;
  } catch (err) {
    // The same typed errors (unique violation, deadlock, serialization failure …) as em.execute raises.
    throw em.getDriver().convertException(err as Error);
  }
}

export async function sqlPreparedOne<T = Record<string, unknown>>(
  em: EntityManager,
  query: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  return (await sqlPrepared<T>(em, query, params))[0];
}

/** Postgres array literal of text values (quoted, escaped; null → NULL), for `?::text[]` / `?::uuid[]` parameters. */
export function pgArray(items: readonly (string | null)[]): string {
  return `{${items.map((s) => (s === null ? 'NULL' : `"${s.replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`;
}

/** One optional filter of a list query: its SQL condition and parameters, or a falsy value when the filter is not set. */
export type Filter = readonly [condition: string, ...params: unknown[]] | false | null | undefined | '';

/**
 * The `where` clause of a list query from its optional filters: the set ones joined with `and` ('' when none is set),
 * and their parameters in the same order. Written as `q.status && ['o.status = ?', q.status]`, a filter and its
 * parameter cannot drift apart.
 */
export function whereOf(filters: readonly Filter[]): { sql: string; params: unknown[] } {
  const set = filters.filter((f): f is readonly [string, ...unknown[]] => !!f);
  return { sql: set.length ? `where ${set.map((f) => f[0]).join(' and ')}` : '', params: set.flatMap((f) => f.slice(1)) };
}

/** Like pgArray, with null elements as SQL NULL: the columns of an `unnest(?::type[], …)` multi-row insert. */
export function pgNullableArray(items: readonly (string | number | boolean | null | undefined)[]): string {
  return `{${items.map((s) => (s === null || s === undefined ? 'NULL' : `"${String(s).replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`;
}
