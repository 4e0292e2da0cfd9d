import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, withDatabase } from '../../platform/config.js';
import { createRuntime } from '../../platform/runtime.js';
import { migrate } from '../../platform/db.js';
import { startApi } from '../../api/server.js';
import { startWorkers } from '../../workers/main.js';
import { jwtSettings, signAccessToken } from '../../api/auth/jwt.js';
import { ensureServices } from '../../scripts/lib/services.js';

/**
 * A whole Dockside (API + workers, in this process) over a scratch database, for benchmarks that
 * need the real system. The database is dropped by close().
 */
export async function startBenchSystem(opts: { workers?: boolean } = {}) {
  const services = await ensureServices(() => undefined);
  const name = `dockside_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(services.databaseUrl, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const databaseUrl = withDatabase(services.databaseUrl, name);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: `dockside-bench:${randomBytes(4).toString('hex')}`,
    RELAY_POLL_MS: '20',
    AUTH_RATE_LIMIT_PER_MIN: '100000',
  } as NodeJS.ProcessEnv);
  const rt = await createRuntime('bench', config);
  await migrate(rt.orm);
  const api = await startApi(rt, 0, '127.0.0.1');
  const workers = opts.workers === false ? undefined : await startWorkers(rt);
  const em = rt.orm.em.fork();
  const [w] = (await em.execute(`insert into warehouse (code, name) values ('B1', 'Bench DC') returning id`)) as { id: string }[];
  await em.execute('insert into event_stream (warehouse_id) values (?)', [w!.id]);
  const [u] = (await em.execute(
    `insert into app_user (username, display_name, password_hash, roles, warehouse_ids) values ('bench', 'Bench', 'x', '{supervisor}', ?::uuid[]) returning id`,
    [`{${w!.id}}`],
  )) as { id: string }[];
  const token = signAccessToken(jwtSettings(config), { id: u!.id, username: 'bench', roles: ['supervisor'], warehouseIds: [w!.id] });
  return {
    rt,
    config,
    url: `http://127.0.0.1:${api.port}`,
    warehouseId: w!.id,
    userId: u!.id,
    token,
    async close() {
      await workers?.stop();
      await api.stop();
      // A 60 s intake run leaves 100k+ job keys: spread into one call they overflow the stack, so delete in chunks.
      const keys = await rt.redis.keys(`${config.REDIS_PREFIX}:*`);
      for (let i = 0; i < keys.length; i += 1000) await rt.redis.del(...keys.slice(i, i + 1000));
      await rt.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
