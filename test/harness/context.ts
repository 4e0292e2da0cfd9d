import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, withDatabase, databaseName, type Config } from '../../platform/config.js';
import { createRuntime, type Runtime } from '../../platform/runtime.js';
import { startApi } from '../../api/server.js';
import { startWorkers } from '../../workers/main.js';
import { signAccessToken } from '../../api/auth/jwt.js';
import { jwtSettings } from '../../api/auth/jwt.js';
import { hashSecret } from '../../domain/identity/password.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import type { Role } from '../../domain/shared/roles.js';

import type { IdRow } from '../../domain/shared/rows.js';
/** A fresh database cloned from the migrated template; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = inject('databaseUrl');
  const name = `dockside_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(template, 'postgres') });
  await admin.connect();
  // CREATE DATABASE ... TEMPLATE fails while another session is connected to the template; retry briefly.
  for (let i = 0; ; i++) {
    try {
      await admin.query(`create database ${name} template ${databaseName(template)}`);
      break;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
    }
  }
  await admin.end();
  return {
    url: withDatabase(template, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: withDatabase(template, 'postgres') });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function testConfig(databaseUrl: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `dockside-test:${randomBytes(6).toString('hex')}`,
    RELAY_POLL_MS: '50',
    AUTH_RATE_LIMIT_PER_MIN: '10000',
    DATABASE_POOL_MAX: '30',
    // The intake gate's latency triggers (standing queue, stall, loop turn, event-loop delay, ack deadline) shed on a loaded test
    // machine; tests that are about shedding set their own limits, the rest test what happens once admitted.
    INTAKE_MAX_QUEUE_MS: '10000',
    INTAKE_MAX_LOOP_DELAY_MS: '10000',
    INTAKE_MAX_LOOP_UTILIZATION: '1',
    INTAKE_MAX_TURN_MS: '10000',
    INTAKE_MAX_STALL_MS: '10000',
    INTAKE_ACK_DEADLINE_MS: '30000',
    POSTAL_CENTROIDS_FILE: fileURLToPath(new URL('../fixtures/postal/centroids.sample.csv', import.meta.url)),
    ...extra,
  } as NodeJS.ProcessEnv);
}

export interface TestUser {
  id: string;
  username: string;
  roles: Role[];
  warehouseIds: string[];
  token: string;
}

export interface TestSystem {
  rt: Runtime;
  config: Config;
  url: string;
  port: number;
  wh1: string;
  wh2: string;
  user(
    username: string,
    roles: Role[],
    warehouseIds?: string[],
    opts?: { password?: string; badge?: string; pin?: string },
  ): Promise<TestUser>;
  token(u: { id: string; username: string; roles: string[]; warehouseIds: string[] }): string;
  startWorkers(): Promise<Awaited<ReturnType<typeof startWorkers>>>;
  close(): Promise<void>;
}

/** Real API (listening on a free port) over a fresh database and a private Redis prefix. */
export async function startTestSystem(opts: { workers?: boolean; env?: Record<string, string> } = {}): Promise<TestSystem> {
  const db = await createTestDatabase();
  const config = testConfig(db.url, opts.env);
  const rt = await createRuntime('test', config);
  const api = await startApi(rt, 0, '127.0.0.1');
  const workerHandles: Awaited<ReturnType<typeof startWorkers>>[] = [];
  const em = rt.orm.em.fork();
  const [w1] = await sql<IdRow>(em, `insert into warehouse (code, name) values ('WH1', 'Test DC 1') returning id`);
  const [w2] = await sql<IdRow>(em, `insert into warehouse (code, name) values ('WH2', 'Test DC 2') returning id`);
  await sql(em, 'insert into event_stream (warehouse_id) values (?), (?)', [w1!.id, w2!.id]);
  const settings = jwtSettings(config);
  const token: TestSystem['token'] = (u) => signAccessToken(settings, u);
  const sys: TestSystem = {
    rt,
    config,
    url: `http://127.0.0.1:${api.port}`,
    port: api.port,
    wh1: w1!.id,
    wh2: w2!.id,
    token,
    async user(username, roles, warehouseIds = [w1!.id], o = {}) {
      // Cheap scrypt cost in tests only: hashing strength is not under test here.
      const row = await sqlOne<IdRow>(
        rt.orm.em.fork(),
        `insert into app_user (username, display_name, password_hash, badge_code, pin_hash, roles, warehouse_ids)
        values (?, ?, ?, ?, ?, ?::text[], ?::uuid[]) returning id`,
        [
          username,
          username,
          await hashSecret(o.password ?? username, { N: 1024 }),
          o.badge ?? null,
          o.pin ? await hashSecret(o.pin, { N: 1024 }) : null,
          `{${roles.join(',')}}`,
          `{${warehouseIds.join(',')}}`,
        ],
      );
      const u = { id: row!.id, username, roles, warehouseIds };
      return { ...u, token: token(u) };
    },
    async startWorkers() {
      const w = await startWorkers(rt);
      workerHandles.push(w);
      return w;
    },
    async close() {
      for (const w of workerHandles) await w.stop();
      await api.stop();
      await rt.redis
        .keys(`${config.REDIS_PREFIX}:*`)
        .then((keys) => (keys.length ? rt.redis.del(...keys) : 0))
        .catch(() => 0);
      await rt.close();
      await db.drop();
    },
  };
  if (opts.workers) await sys.startWorkers();
  return sys;
}

/** fetch with JSON in and out; returns status, headers and parsed body. */
export async function http(
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}
