import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { withTx } from '../../platform/db.js';
import { defineLifecycle, IllegalTransition, writeMove, type Lifecycle } from '../../domain/shared/lifecycle.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { lifecycles } from './lifecycles.js';

import type { IdRow } from '../../domain/shared/rows.js';

type ConstraintDefRow = { def: string };
type ColumnDefaultRow = { d: string };
type ScratchStatusRow = { status: string };
/**
 * One transition table per lifecycle is the source of the DB CHECK, the zod enum and the allowed moves.
 * These tests try every (from, to) pair of every lifecycle, in memory and against PostgreSQL.
 */
const pairs = (lc: Lifecycle<string>) => lc.states.flatMap((from) => lc.states.map((to) => ({ from, to })));
const allowed = (lc: Lifecycle<string>, from: string, to: string) => lc.moves[from]!.includes(to);

describe.each(lifecycles.map((lc) => [lc.name, lc as unknown as Lifecycle<string>] as const))('%s lifecycle', (_name, lc) => {
  it('allows exactly the moves in its table and refuses every other pair with 409 illegal-transition', () => {
    let illegal = 0;
    for (const { from, to } of pairs(lc)) {
      expect(lc.canMove(from, to), `${from} → ${to}`).toBe(allowed(lc, from, to));
      if (allowed(lc, from, to)) expect(() => lc.assertMove(from, to)).not.toThrow();
      else {
        illegal++;
        let err: unknown;
        try {
          lc.assertMove(from, to, 'x');
        } catch (e) {
          err = e;
        }
        expect(err, `${from} → ${to}`).toBeInstanceOf(IllegalTransition);
        expect((err as IllegalTransition).status).toBe(409);
        expect((err as IllegalTransition).type).toBe('illegal-transition');
      }
    }
    expect(illegal).toBeGreaterThan(0);
  });

  it('refuses states outside the table and derives its zod enum from it', () => {
    expect(lc.canMove('no_such_state', lc.states[0])).toBe(false);
    expect(() => lc.assertMove('no_such_state', lc.states[0])).toThrow(IllegalTransition);
    expect(lc.schema.options).toEqual([...lc.states]);
    for (const s of lc.states) expect(lc.schema.safeParse(s).success).toBe(true);
    expect(lc.schema.safeParse('no_such_state').success).toBe(false);
  });

  it('reaches every state from an initial one, and every terminal state has no way out', () => {
    const seen = new Set<string>(lc.initial);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of [...seen]) for (const t of lc.moves[s]!) if (!seen.has(t)) grew = seen.add(t) !== undefined;
    }
    // States only carriers or fixtures may set (no move reaches them yet) are terminal and declared as such.
    for (const s of lc.states) if (!seen.has(s)) expect(lc.terminal, `${lc.name} ${s} unreachable`).toContain(s);
  });
});

describe('lifecycles against PostgreSQL', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem();
  });
  afterAll(async () => sys?.close());

  it.each(lifecycles.map((lc) => [lc.name, lc as unknown as Lifecycle<string>] as const))(
    '%s: the migrated CHECK on status lists exactly the states of the table',
    async (_name, lc) => {
      const rows = await sql<ConstraintDefRow>(
        sys.rt.orm.em.fork(),
        `select pg_get_constraintdef(c.oid) as def from pg_constraint c join pg_class t on t.oid = c.conrelid
        where t.relname = ? and c.contype = 'c' and pg_get_constraintdef(c.oid) ~ '^CHECK \\(\\(status = ANY'`,
        [lc.table],
      );
      expect(rows, `${lc.table}: one status CHECK`).toHaveLength(1);
      const values = [...rows[0]!.def.matchAll(/'([^']+)'::text/g)].map((m) => m[1]);
      expect(new Set(values)).toEqual(new Set(lc.states));
      expect(values).toHaveLength(lc.states.length);
      const def = await sqlOne<ColumnDefaultRow>(
        sys.rt.orm.em.fork(),
        `select column_default as d from information_schema.columns where table_name = ? and column_name = 'status'`,
        [lc.table],
      );
      if (def?.d) expect(lc.initial.map((s) => `'${s}'::text`)).toContain(def.d);
    },
  );

  it.each(lifecycles.map((lc) => [lc.name, lc as unknown as Lifecycle<string>] as const))(
    '%s: the guarded write moves a row only along the table, for every pair',
    async (_name, lc) => {
      // The same guard SQL on a scratch table shaped like the owner's (id, status), one row per pair.
      const scratch = defineLifecycle({ ...lc, table: 'lifecycle_scratch' });
      await withTx(sys.rt.orm.em.fork(), async (tx) => {
        await sql(
          tx,
          'create temp table lifecycle_scratch (id uuid primary key default gen_random_uuid(), status text not null) on commit drop',
        );
        for (const { from, to } of pairs(lc)) {
          const row = (await sqlOne<IdRow>(tx, 'insert into lifecycle_scratch (status) values (?) returning id', [from]))!;
          const moved = await writeMove(tx, scratch, [row.id], to);
          const now = (await sqlOne<ScratchStatusRow>(tx, 'select status from lifecycle_scratch where id = ?', [row.id]))!;
          if (allowed(lc, from, to)) {
            expect(moved, `${from} → ${to}`).toEqual([row.id]);
            expect(now.status).toBe(to);
          } else {
            expect(moved, `${from} → ${to}`).toEqual([]);
            expect(now.status).toBe(from);
          }
        }
      });
    },
  );
});
