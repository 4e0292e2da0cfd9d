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

/** A prepared statement as node-postgres takes it: its name and its text with `$n` placeholders. */
interface Prepared {
  name: string;
  text: string;
}
const statements = new Map<string, Prepared>();

/** The node-postgres client of a connection (MikroORM's pool hands these out through knex). */
export interface PgConnection {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
/** What sqlPrepared needs of a knex client: the pool's, or a transaction's (which always hands out its own connection). */
interface ConnectionSource {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(c: PgConnection): Promise<unknown>;
}

function prepared(query: string): Prepared {
  let p = statements.get(query);
  if (!p) {
    let n = 0;
    p = { name: `dk_${createHash('sha1').update(query).digest('hex').slice(0, 20)}`, text: query.replace(/\?/g, () => `$${++n}`) };
    // Variants are few (a handful per statement); the bound only guards against a caller building unbounded texts.
    if (statements.size > 500) statements.clear();
    statements.set(query, p);
  }
  return p;
}

/** The name a statement text gets as a prepared statement (pg_prepared_statements.name on its connections). */
export function preparedStatementName(query: string): string {
  return prepared(query).name;
}

/**
 * Runs a named prepared statement on the EntityManager's connection (its transaction's, else one from the ORM's
 * pool for this statement alone) straight through node-postgres, and returns the driver's error untouched.
 * knex's raw query (builder, runner, events, error formatting) cost 824 µs of CPU per prepared `select ?` against
 * 297 µs through node-postgres alone, one client in a loop on the shared 2-core machine at load 17, and the
 * ledger's and the floor's hot statements are one short call each. The same pool and the same transaction as
 * `sql()`, so the two mix freely.
 */
export async function pgPrepared<T>(em: EntityManager, query: string, params: unknown[]): Promise<T[]> {
  const p = prepared(query);
  if (params.includes(undefined)) throw new Error(`undefined parameter ${params.indexOf(undefined) + 1} in: ${query}`);
  const trx = em.getTransactionContext<{ client: ConnectionSource }>();
  const source: ConnectionSource = trx ? trx.client : (em.getConnection().getKnex().client as ConnectionSource);
  const conn = await source.acquireConnection();
  try {
    return (await conn.query({ name: p.name, text: p.text, values: params })).rows as T[];
  } finally {
    await source.releaseConnection(conn);
  }
}

/**
 * Like sql(), as a named prepared statement with bound parameters, for the statements a handheld sends hundreds
 * of times a shift. MikroORM's execute inlines every parameter into the text, so each call is a new statement to
 * parse and plan (1–3 ms for the floor's big CTE statements, 40+ ms on a backend that has not planned them yet,
 * against well under a millisecond of execution). node-postgres prepares a named query once per connection; after
 * five custom plans Postgres keeps a generic plan when it costs no more, so the statement is neither parsed nor
 * planned again (plan_cache_mode = auto). The name is derived from the text, so each variant of a statement gets
 * its own. Every `?` in the text is a parameter (none may appear in a literal). Sent through node-postgres
 * directly (pgPrepared). Needs a direct connection: a transaction-pooling proxy would lose the prepared statements
 * between transactions.
 */
export async function sqlPrepared<T = Record<string, unknown>>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  try {
    return await pgPrepared<T>(em, query, params);
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
