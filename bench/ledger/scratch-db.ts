/** A migrated scratch database on the server of DATABASE_URL, for benchmarks that must not touch the app's data. */
import '../../scripts/lib/dev-env.js';
import pg from 'pg';
import { loadConfig, withDatabase } from '../../platform/config.js';
import { createOrm, migrate, type Orm } from '../../platform/db.js';

export const baseDbUrl = () => process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/dockside';

/** Drops and recreates `name`, migrates it and returns an ORM with the given pool size. */
export async function freshScratchDb(name: string, poolMax: number): Promise<{ orm: Orm; url: string }> {
  const admin = new pg.Client({ connectionString: withDatabase(baseDbUrl(), 'postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(baseDbUrl(), name);
  const orm = await createOrm(loadConfig({ ...process.env, DATABASE_URL: url, DATABASE_POOL_MAX: String(poolMax) } as NodeJS.ProcessEnv));
  await migrate(orm);
  return { orm, url };
}

/** p-th percentile (nearest rank) of a sample in ms. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
