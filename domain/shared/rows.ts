import type { InferEntity, Opt } from '@mikro-orm/core';

/** One column as raw SQL (`sql`/`sqlOne`) returns it: timestamps come back as ISO strings, NULL as null, never undefined. */
type RawValue<V> = V extends Opt<infer U> ? RawScalar<U> : RawScalar<V>;
type RawScalar<V> = V extends undefined ? never : V extends Date ? string : V;

/**
 * The row type of an entity defined with `defineEntity`: property names are the column names (entities use snake_case
 * property names on purpose, so a row and an entity share their keys), relations map to their primary key.
 * Raw SQL that selects a subset uses `Pick<XRow, 'a' | 'b'>`; extra computed columns get one named type next to the query.
 */
export type RowOf<S> = { [K in keyof InferEntity<S> as K extends string ? K : never]-?: RawValue<InferEntity<S>[K]> };

/** The row of a query that only returns ids (`returning id`, a generated id, ids from several tables). */
export interface IdRow {
  id: string;
}

/** `select pg_try_advisory_lock(…) as ok`: the leader election of the relay and the reconciler. */
export interface AdvisoryLockRow {
  ok: boolean;
}

/** `select count(*)::int as n …`: a count read as a number (the ::int cast; a bare count(*) comes back as a string). */
export interface CountRow {
  n: number;
}
