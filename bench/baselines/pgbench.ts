/**
 * PostgreSQL baselines from the `pgbench` of the server package, in a scratch database
 * `dockside_pgbench` (created and initialised with `pgbench -i -s 1` once per process).
 * Benchmarks of database-bound work report their tps as a ratio of these, measured in the same run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SCRATCH_DB = 'dockside_pgbench';

export interface PgbenchOptions {
  clients?: number;
  durationS?: number;
  /** Any database URL of the server to use; defaults to DATABASE_URL, then postgres://root@127.0.0.1:5432/postgres. */
  dbUrl?: string;
}

export interface PgbenchResult {
  tps: number;
  latencyAvgMs: number;
  transactions: number;
  clients: number;
  durationS: number;
}

/** pgbench on PATH, else the newest /usr/lib/postgresql/<v>/bin/pgbench. */
export function findPgbench(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pgbench'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0)
    throw new Error('pgbench not found on PATH or under /usr/lib/postgresql/*/bin (install the PostgreSQL server package)');
  return join(root, versions[0], 'bin', 'pgbench');
}

/** Reads tps (without connection time), average latency and processed transactions from pgbench's report. */
export function parsePgbenchOutput(text: string): { tps: number; latencyAvgMs: number; transactions: number } {
  const tps = /tps = ([\d.]+) \(without initial connection/.exec(text) ?? /tps = ([\d.]+)/.exec(text);
  const lat = /latency average = ([\d.]+) ms/.exec(text);
  const tx = /number of transactions actually processed: (\d+)/.exec(text);
  if (!tps || !lat || !tx) throw new Error(`could not parse pgbench output:\n${text}`);
  return { tps: Number(tps[1]), latencyAvgMs: Number(lat[1]), transactions: Number(tx[1]) };
}

function connEnv(dbUrl: string): NodeJS.ProcessEnv {
  const u = new URL(dbUrl);
  return {
    ...process.env,
    PGHOST: u.hostname || '127.0.0.1',
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username) || process.env.PGUSER || 'root',
    ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}),
    PGDATABASE: SCRATCH_DB,
  };
}

/** The same server's URL with the scratch database as its path. */
function scratchUrl(dbUrl: string): string {
  const u = new URL(dbUrl);
  u.pathname = `/${SCRATCH_DB}`;
  return u.toString();
}

const defaultUrl = () => process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

let prepared: Promise<void> | null = null;

/** Creates and initialises the scratch database once per process. */
function prepare(dbUrl: string): Promise<void> {
  prepared ??= (async () => {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [SCRATCH_DB]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${SCRATCH_DB}`);
    } finally {
      await client.end();
    }
    await run(findPgbench(), ['-i', '-s', '1', '-q'], { env: connEnv(dbUrl) });
    const scratch = new pg.Client({ connectionString: scratchUrl(dbUrl) });
    await scratch.connect();
    try {
      await scratch.query(
        'CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, k integer NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
      );
    } finally {
      await scratch.end();
    }
  })();
  prepared.catch(() => (prepared = null));
  return prepared;
}

async function pgbench(extra: string[], o: PgbenchOptions): Promise<PgbenchResult> {
  const dbUrl = o.dbUrl ?? defaultUrl();
  const clients = o.clients ?? 4;
  const durationS = o.durationS ?? 10;
  await prepare(dbUrl);
  const threads = String(Math.max(1, Math.min(clients, cpus().length)));
  const { stdout } = await run(findPgbench(), [...extra, '-c', String(clients), '-j', threads, '-T', String(durationS)], {
    env: connEnv(dbUrl),
    maxBuffer: 16 << 20,
  });
  return { ...parsePgbenchOutput(stdout), clients, durationS };
}

/** pgbench's built-in simple-update transaction (`-N`: UPDATE pgbench_accounts, SELECT its balance, INSERT into pgbench_history). */
export function pgbenchSimpleUpdate(o: PgbenchOptions = {}): Promise<PgbenchResult> {
  return pgbench(['-N', '-n'], o);
}

/** A custom pgbench script: one single-row INSERT into a small indexed table per transaction. */
export async function pgbenchInsert(o: PgbenchOptions = {}): Promise<PgbenchResult> {
  const dbUrl = o.dbUrl ?? defaultUrl();
  await prepare(dbUrl);
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  const script = join(dir, 'insert.sql');
  writeFileSync(script, "\\set k random(1, 1000000)\nINSERT INTO bench_insert (k, payload) VALUES (:k, 'dockside');\n");
  try {
    const scratch = new pg.Client({ connectionString: scratchUrl(dbUrl) });
    await scratch.connect();
    await scratch.query('TRUNCATE bench_insert');
    await scratch.end();
    return await pgbench(['-n', '-f', script], o);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
