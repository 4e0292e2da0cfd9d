import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { loadConfig, withDatabase } from '../../platform/config.js';
import { createOrm, migrate } from '../../platform/db.js';
import { ensureServices } from '../../scripts/lib/services.js';
import { buildConsoleIfStale } from '../../scripts/lib/prepare.js';

// Per-run names (with the pid) so concurrent test runs on one server never touch each other's databases.
export const TEMPLATE_DB = `dockside_tpl_${process.pid}`;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

/** Once per run: find/start services, build a migrated template database every test file clones. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await ensureServices(() => undefined);
  const admin = new pg.Client({ connectionString: withDatabase(services.databaseUrl, 'postgres') });
  await admin.connect();
  // Databases left by crashed runs: only those whose owning process is gone.
  const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname ~ '^dockside_(t|tpl)_[0-9]+'`);
  for (const r of stale.rows) {
    const pid = Number(/^dockside_(?:t|tpl)_(\d+)/.exec(r.datname)![1]);
    if (!pidAlive(pid)) await admin.query(`drop database if exists "${r.datname}" with (force)`).catch(() => undefined);
  }
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const orm = await createOrm(loadConfig({ ...process.env, DATABASE_URL: withDatabase(services.databaseUrl, TEMPLATE_DB) }));
  await migrate(orm);
  await orm.close(true);
  buildConsoleIfStale();
  project.provide('databaseUrl', withDatabase(services.databaseUrl, TEMPLATE_DB));
  project.provide('redisUrl', services.redisUrl);
  return async () => {
    const c = new pg.Client({ connectionString: withDatabase(services.databaseUrl, 'postgres') });
    await c.connect();
    await c.query(`drop database if exists ${TEMPLATE_DB} with (force)`).catch(() => undefined);
    await c.end();
  };
}
