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
