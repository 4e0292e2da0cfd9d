import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { allEntities } from './entities.js';
import { migrationsList } from '../migrations/index.js';
import type { Config } from './config.js';
import { idempotencyCommitted, markIdempotencyApplied } from './idempotency-context.js';

export type Orm = MikroORM;
export type { EntityManager };

export function ormOptions(
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX'> & { DB_STATEMENT_TIMEOUT_MS?: number },
  opts: { poolMin?: number } = {},
): Options {
  return {
    clientUrl: config.DATABASE_URL,
    entities: allEntities,
    extensions: [Migrator],
    // Migrations are listed statically so they load the same way under tsx, vitest and the CLI.
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    // The pool hands out the connection released last, so below `min` (0 but in the API, see keepPoolWarm) the ones a
    // quiet spell leaves idle for 10 s are closed, and the next burst opens new, cold ones.
    pool: { min: Math.min(opts.poolMin ?? 0, config.DATABASE_POOL_MAX), max: config.DATABASE_POOL_MAX, idleTimeoutMillis: 10_000 },
    // Server-side cap per statement (SQLSTATE 57014 → 503 in api/problem.ts).
    ...(config.DB_STATEMENT_TIMEOUT_MS ? { driverOptions: { connection: { statement_timeout: config.DB_STATEMENT_TIMEOUT_MS } } } : {}),
    debug: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    discovery: { warnWhenNoEntities: false },
  };
}

export async function createOrm(
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX'> & { DB_STATEMENT_TIMEOUT_MS?: number },
  opts: { poolMin?: number } = {},
): Promise<Orm> {
  return MikroORM.init(ormOptions(config, opts));
}

/**
 * Opens `size` connections of the pool at once and runs `warm` on each, in a transaction rolled back afterwards.
 * With the pool's `min` at `size` (createOrm's poolMin) they then stay open: the API's hot statements are parsed,
 * planned and have their catalogue caches filled on every connection before the first request, instead of on
 * whichever handheld scan gets a new connection (tens of milliseconds each; issue 19). Each transaction waits
 * (up to `holdMs`) until all have their connection, so no two warm the same one. Resolves to the connections warmed;
 * a failure is the caller's to log, never a reason not to serve.
 */
export async function keepPoolWarm(orm: Orm, size: number, warm: (tx: EntityManager) => Promise<unknown>, holdMs = 2_000): Promise<number> {
  const rollback = new Error('pool warm-up rollback');
  let begun = 0;
  let allBegun!: () => void;
  const all = new Promise<void>((r) => (allBegun = r));
  let warmed = 0;
  await Promise.all(
    Array.from({ length: size }, () =>
      orm.em
        .fork()
        .transactional(async (tx) => {
          await tx.execute('select 1');
          if (++begun === size) allBegun();
          await Promise.race([all, new Promise((r) => setTimeout(r, holdMs).unref())]);
          await warm(tx);
          warmed++;
          throw rollback;
        })
        .catch((err: unknown) => {
          if (err !== rollback) throw err;
        }),
    ),
  );
  return warmed;
}

export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}

export async function pingDb(orm: Orm): Promise<boolean> {
  try {
    await orm.em.fork().execute('select 1');
    return true;
  } catch {
    return false;
  }
}

/** Runs fn in one transaction, retrying serialization failures and deadlocks (PostgreSQL manual §13.5). */
export async function withTx<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      const result = await em.fork().transactional(async (tx) => {
        const r = await fn(tx);
        await markIdempotencyApplied(tx);
        return r;
      });
      idempotencyCommitted();
      return result;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || (code !== '40001' && code !== '40P01')) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** i));
    }
  }
}
