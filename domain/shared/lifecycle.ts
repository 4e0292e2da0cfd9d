import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Conflict } from './errors.js';
import { sql } from './sql.js';
import type { IdRow } from './rows.js';

/**
 * One lifecycle (order, shipment, task, wave, pack session, route plan, ASN) = one transition table.
 * The table is the single source of
 * - the states (the zod enum, and the migrated `status in (…)` CHECK, which `test/lifecycle/lifecycle-check.test.ts`
 *   compares with it so the two cannot drift),
 * - the allowed moves (`canMove`, `assertMove`), and
 * - the SQL guard every status write carries (`status in (<states that may move to it>)`), so a move the table does not
 *   allow never reaches the row, even when the caller read a stale status.
 * Each context owns its lifecycle file (`*.lifecycle.ts`) and one function that validates, writes and emits a move.
 */
export interface LifecycleSpec<S extends string> {
  /** Human name for errors: `Order`, `Shipment`, … */
  name: string;
  /** Table whose `status` column the lifecycle owns. */
  table: string;
  /** States a row may be created in. */
  initial: readonly S[];
  /** from → the states it may move to. A self-move is allowed only when listed. */
  moves: { readonly [K in S]: readonly S[] };
}

export class IllegalTransition extends Conflict {
  constructor(name: string, from: string, to: string, id?: string) {
    super(`${name}${id ? ` ${id}` : ''} cannot move from ${from} to ${to}`, 'illegal-transition', { from, to });
  }
}

export interface Lifecycle<S extends string> extends LifecycleSpec<S> {
  readonly states: readonly [S, ...S[]];
  readonly schema: z.ZodEnum<{ [K in S]: K }>;
  readonly terminal: readonly S[];
  isState(s: string): s is S;
  canMove(from: string, to: string): boolean;
  /** Throws `IllegalTransition` (409 problem+json, type `illegal-transition`) unless the table allows the move. */
  assertMove(from: string, to: S, id?: string): void;
  /** The states `to` may be reached from. */
  sourcesOf(to: S): S[];
  /** SQL predicate for a guarded write: `<alias.>status in ('a', 'b')` (`false` when nothing leads there). */
  fromSql(to: S, alias?: string): string;
}

export function defineLifecycle<const M extends { readonly [K in keyof M]: readonly (keyof M & string)[] }>(
  spec: LifecycleSpec<keyof M & string> & { moves: M },
): Lifecycle<keyof M & string> {
  type S = keyof M & string;
  const states = Object.keys(spec.moves) as S[];
  if (states.length === 0) throw new Error(`${spec.name}: a lifecycle needs states`);
  for (const [from, tos] of Object.entries(spec.moves) as [S, readonly S[]][])
    for (const to of tos) if (!states.includes(to)) throw new Error(`${spec.name}: ${from} → ${to} names an unknown state`);
  for (const s of spec.initial) if (!states.includes(s)) throw new Error(`${spec.name}: unknown initial state ${s}`);
  const sources = new Map<S, S[]>(states.map((to) => [to, states.filter((from) => spec.moves[from].includes(to))]));
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const lc: Lifecycle<S> = {
    ...spec,
    states: states as [S, ...S[]],
    schema: z.enum(states as [S, ...S[]]) as unknown as z.ZodEnum<{ [K in S]: K }>,
    terminal: states.filter((s) => spec.moves[s].length === 0),
    isState: (s: string): s is S => (states as string[]).includes(s),
    canMove: (from, to) => lc.isState(from) && lc.isState(to) && spec.moves[from].includes(to),
    assertMove(from, to, id) {
      if (!lc.canMove(from, to)) throw new IllegalTransition(spec.name, from, to, id);
    },
    sourcesOf: (to) => [...(sources.get(to) ?? [])],
    fromSql(to, alias) {
      const from = sources.get(to) ?? [];
      return from.length ? `${alias ? `${alias}.` : ''}status in (${from.map(quote).join(', ')})` : 'false';
    },
  };
  return lc;
}

export interface MoveWrite {
  /** Extra assignments after `status = ?`, e.g. `updated_at = now(), packed_at = now()`. */
  set?: string;
  setParams?: unknown[];
  /** Extra condition ANDed to the guard, e.g. `version = ?`. */
  where?: string;
  whereParams?: unknown[];
}

/**
 * The one guarded status write: moves the rows among `ids` whose current status the table allows to reach `to`;
 * returns the ids it moved (rows in any other state are left as they are). Contexts wrap it with their events.
 */
export async function writeMove<S extends string>(
  em: EntityManager,
  lc: Lifecycle<S>,
  ids: readonly string[],
  to: S,
  w: MoveWrite = {},
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql<IdRow>(
    em,
    `update ${lc.table} set status = ?${w.set ? `, ${w.set}` : ''}
    where id = any(?::uuid[]) and ${lc.fromSql(to)}${w.where ? ` and (${w.where})` : ''} returning id`,
    [to, ...(w.setParams ?? []), `{${ids.join(',')}}`, ...(w.whereParams ?? [])],
  );
  return rows.map((r) => r.id);
}

/**
 * Moves one row whose current status the caller read (under its lock): checks the move against the table, writes it
 * with the guard, and throws `IllegalTransition` when the table or the row (changed since it was read) refuses.
 */
export async function writeMoveOne<S extends string>(
  em: EntityManager,
  lc: Lifecycle<S>,
  row: { id: string; status: string },
  to: S,
  w: MoveWrite = {},
): Promise<void> {
  lc.assertMove(row.status, to, row.id);
  const moved = await writeMove(em, lc, [row.id], to, {
    ...w,
    where: w.where ? `status = ? and (${w.where})` : 'status = ?',
    whereParams: [row.status, ...(w.whereParams ?? [])],
  });
  if (moved.length !== 1) throw new IllegalTransition(lc.name, row.status, to, row.id);
}
