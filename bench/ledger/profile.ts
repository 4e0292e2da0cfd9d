/**
 * Profiling aid for the ledger bench (not part of `npm run bench`): round trips of one move, the Node CPU a
 * move costs, in-transaction move rate, and the same ledger_move calls driven by pgbench (the server's ceiling
 * without Node), all on a scratch database. Run with
 * `node --import tsx bench/ledger/profile.ts [seconds]`; with LEDGER_PROFILE_CPU=<dir>, each loop also writes its own
 * .cpuprofile there (the loop alone, without setup and pgbench, which a whole-process --cpu-prof mixes in).
 */
import '../../scripts/lib/dev-env.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Session } from 'node:inspector/promises';
import { postMovement, reserve } from '../../domain/inventory/ledger.service.js';
import { sql } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { findPgbench } from '../baselines/pgbench.js';
import { countStatements } from '../order-pipeline/query-stats.js';
import { baseDbUrl, freshScratchDb } from './scratch-db.js';
import { withDatabase } from '../../platform/config.js';
import pg from 'pg';
import { setupLedgerBench } from './setup.js';

const seconds = Number(process.argv[2] ?? 8);
const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU (ms) the server's backends connected to `db` have used so far, by pid (from /proc; same machine). */
async function backendCpu(admin: pg.Client, db: string): Promise<Map<number, number>> {
  const pids = (await admin.query<PidRow>('select pid from pg_stat_activity where datname = $1', [db])).rows.map((r) => r.pid);
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) * TICK_MS);
    } catch {
      /* exited */
    }
  }
  return out;
}
const sumDiff = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((t, [pid, ms]) => t + ms - (a.get(pid) ?? 0), 0);
export type PidRow = { pid: number };
const admin = new pg.Client({ connectionString: withDatabase(baseDbUrl(), 'postgres') });
await admin.connect();
const dbName = process.env.LEDGER_PROFILE_DB ?? 'dockside_bench_ledger_prof';
const { orm, url } = await freshScratchDb(dbName, 18);
const { wh, skus } = await setupLedgerBench(orm);
const cmd = (i: number) => {
  const s = skus[i % skus.length]!;
  const flip = (i >> 7) % 2 === 0;
  return {
    warehouseId: wh,
    type: 'move' as const,
    skuId: s.id,
    qty: 1,
    from: { locationId: flip ? s.a : s.b },
    to: { locationId: flip ? s.b : s.a },
  };
};

const stop1 = countStatements();
await withTx(orm.em, (tx) => postMovement(tx, cmd(0)));
const one = stop1();
console.log(`one move in a caller's transaction: ${one.reduce((a, b) => a + b.calls, 0)} statements`);
for (const s of one) console.log(`  ${s.calls}× ${s.query}`);

/** 16 loops of fn for the given seconds: rate, Node CPU per call, statements sent. */
async function loop(name: string, fn: (i: number) => Promise<unknown>): Promise<void> {
  let n = 0;
  const profDir = process.env.LEDGER_PROFILE_CPU;
  const inspector = profDir ? new Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const pg0 = await backendCpu(admin, dbName);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const stop = countStatements();
  await Promise.all(
    Array.from({ length: 16 }, async (_, c) => {
      for (let i = c; performance.now() < end; i += 16) {
        await fn(i);
        n++;
      }
    }),
  );
  const el = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgMs = sumDiff(pg0, await backendCpu(admin, dbName));
  const st = stop();
  if (inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(join(profDir!, `${name.replace(/\W+/g, '-')}.cpuprofile`), JSON.stringify(profile));
    inspector.disconnect();
  }
  const calls = st.reduce((a, b) => a + b.calls, 0);
  console.log(
    `${name}: ${n} in ${el.toFixed(1)} s = ${(n / el).toFixed(0)}/s; CPU µs each: Node ${((cpu.user + cpu.system) / n).toFixed(0)} (user ${(cpu.user / n).toFixed(0)}), backends ${((pgMs * 1000) / n).toFixed(0)}; ${(calls / n).toFixed(2)} statements each`,
  );
  for (const s of st.slice(0, 4)) console.log(`  ${(s.totalMs / s.calls).toFixed(2)} ms avg ${s.calls}× ${s.query}`);
}
const only = process.env.LOOPS?.split(',');
if (!only || only.includes('intx')) await loop("moves in a caller's transaction", (i) => withTx(orm.em, (tx) => postMovement(tx, cmd(i))));
if (!only || only.includes('group')) await loop('moves, grouped', (i) => postMovement(orm.em.fork(), cmd(i)));
if (!only || only.includes('reserve'))
  await loop('reserve, grouped', (i) =>
    reserve(orm.em.fork(), { warehouseId: wh, skuId: skus[i % skus.length]!.id, qty: 1, refType: 'p', refId: `${i}` }),
  );
if (process.env.NO_PGBENCH) {
  await orm.close(true);
  await admin.end();
  process.exit(0);
}

// The server alone: the same argument ledger_move gets, from pgbench (16 clients), in a transaction of its own.
const args = skus.flatMap((s, i) => [0, 1].map((f) => ({ i: 2 * i + f, s, f })));
await sql(orm.em.fork(), 'create table if not exists prof_arg (i int primary key, arg jsonb not null)');
await sql(orm.em.fork(), 'truncate prof_arg');
for (const a of args) {
  const from = { locationId: a.f ? a.s.a : a.s.b, lot: null, expiry: null, lpnId: null, status: 'available' };
  const to = { locationId: a.f ? a.s.b : a.s.a, lot: null, expiry: null, lpnId: null, status: 'available' };
  const arg = {
    warehouseId: wh,
    type: 'move',
    skuId: a.s.id,
    qty: 1,
    consume: 0,
    creditFirst: `${to.locationId}` < `${from.locationId}`,
    from,
    to,
    fromVirtual: null,
    toVirtual: null,
    event: { type: 'stock.moved', actorId: null, payload: { type: 'move', skuId: a.s.id, qty: 1, from, to, refType: null, refId: null } },
  };
  await sql(orm.em.fork(), 'insert into prof_arg values (?, ?::jsonb)', [a.i, JSON.stringify(arg)]);
}
await orm.close(true);
const dir = mkdtempSync(join(tmpdir(), 'ledger-prof-'));
const u = new URL(url);
const env = {
  ...process.env,
  PGHOST: u.hostname,
  PGPORT: u.port || '5432',
  PGUSER: decodeURIComponent(u.username) || 'root',
  PGDATABASE: dbName,
};
/** pgbench with CPU accounting: its own (via the shell's waited-for children) and its backends' (polled from /proc). */
async function pgbenchCpu(name: string, args: string[], db: string): Promise<void> {
  const seen = new Map<number, number>();
  let running = true;
  const poll = (async () => {
    while (running) {
      for (const [pid, ms] of await backendCpu(admin, db)) seen.set(pid, Math.max(seen.get(pid) ?? 0, ms));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const base = await backendCpu(admin, db);
  const r = await promisify(execFile)('sh', ['-c', '"$0" "$@" 1>&2; cat /proc/$$/stat', findPgbench(), ...args], {
    env: { ...env, PGDATABASE: db },
  });
  running = false;
  await poll;
  const f = r.stdout.split(') ')[1]!.split(' ');
  const clientMs = (Number(f[13]) + Number(f[14])) * TICK_MS;
  const tx = Number(/number of transactions actually processed: (\d+)/.exec(r.stderr)?.[1] ?? 0);
  const pgMs = sumDiff(base, seen);
  console.log(
    `pgbench ${name}: ${/tps = ([\d.]+)/.exec(r.stderr)?.[1]} tps; CPU µs each: client ${((clientMs * 1000) / tx).toFixed(0)}, backends ${((pgMs * 1000) / tx).toFixed(0)}`,
  );
}
for (const [name, body] of [
  ['ledger_move alone', `\\set i random(0, ${args.length - 1})\nselect ledger_move(arg) from prof_arg where i = :i;\n`],
  [
    'begin; ledger_move; commit',
    `\\set i random(0, ${args.length - 1})\nbegin;\nselect ledger_move(arg) from prof_arg where i = :i;\ncommit;\n`,
  ],
] as const) {
  const f = join(dir, 'x.sql');
  writeFileSync(f, body);
  await pgbenchCpu(name, ['-n', '-f', f, '-c', '16', '-j', '2', '-T', String(seconds)], dbName);
}
await pgbenchCpu('-N', ['-n', '-N', '-c', '16', '-j', '2', '-T', String(seconds)], 'dockside_pgbench');
await admin.end();
