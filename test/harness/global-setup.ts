import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { loadConfig, withDatabase } from '../../platform/config.js';
import { createOrm, migrate } from '../../platform/db.js';
import { ensureServices } from '../../scripts/lib/services.js';
import { buildConsoleIfStale } from '../../scripts/lib/prepare.js';

export const TEMPLATE_DB = 'dockside_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

/** Once per run: find/start services, build a migrated template database every test file clones. */
export default async function setup(project: TestProject): Promise<void> {
  const services = await ensureServices(() => undefined);
  const admin = new pg.Client({ connectionString: withDatabase(services.databaseUrl, 'postgres') });
  await admin.connect();
  // Old test databases from crashed runs.
  const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'dockside_t\\_%' or datname = $1`, [TEMPLATE_DB]);
  for (const r of stale.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const orm = await createOrm(loadConfig({ ...process.env, DATABASE_URL: withDatabase(services.databaseUrl, TEMPLATE_DB) }));
  await migrate(orm);
  await orm.close(true);
  buildConsoleIfStale();
  project.provide('databaseUrl', withDatabase(services.databaseUrl, TEMPLATE_DB));
  project.provide('redisUrl', services.redisUrl);
}
