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

/** Postgres array literal of text values (quoted, escaped), for `?::text[]` / `?::uuid[]` parameters. */
export function pgArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}
