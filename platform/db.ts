import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { allEntities } from './entities.js';
import { migrationsList } from '../migrations/index.js';
import type { Config } from './config.js';
import { idempotencyCommitted, markIdempotencyApplied } from './idempotency-context.js';

export type Orm = MikroORM;
export type { EntityManager };

export function ormOptions(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX'> & { DB_STATEMENT_TIMEOUT_MS?: number }): Options {
  return {
    clientUrl: config.DATABASE_URL,
    entities: allEntities,
    extensions: [Migrator],
    // Migrations are listed statically so they load the same way under tsx, vitest and the CLI.
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: config.DATABASE_POOL_MAX, idleTimeoutMillis: 10_000 },
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
): Promise<Orm> {
  return MikroORM.init(ormOptions(config));
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
