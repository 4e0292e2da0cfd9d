/**
 * Redis wipe (issue 16): 1,000 orders arrive through two API processes while the cluster's own Redis is
 * FLUSHALLed mid-flow twice and once killed and restarted empty. Postgres is the truth: afterwards every order
 * is allocated exactly once (reservations = line quantities, ledger balanced), every scheduled job exists again,
 * and an expired task lease returns its task to the pool.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerMismatches } from '../../domain/inventory/ledger-audit.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { jwtSettings, signAccessToken } from '../../api/auth/jwt.js';
import { loadConfig } from '../../platform/config.js';
import { createOrm, withTx, type Orm } from '../../platform/db.js';
import { bullConnection } from '../../platform/queues.js';
import { scheduledJobs } from '../../workers/schedules.js';
import { createTestDatabase } from '../harness/context.js';
import { buildFloor, type FloorFixture } from '../floor/fixture.js';
import { Cluster, waitFor } from './harness.js';

import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';
import type { TaskRow } from '../../domain/tasks/entities/task.entity.js';
import type { ReconcilerRepairRow } from '../../domain/events/entities/reconciler-repair.entity.js';
const ORDERS = Number(process.env.REDIS_WIPE_ORDERS ?? 1000);
const CONCURRENCY = 12;
let cluster: Cluster;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: Orm;
let fx: FloorFixture;
let wh = '';
const sup = { id: '', token: '' };
const prefix = `dockside-wipe:${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await createOrm(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, DATABASE_POOL_MAX: '5' }));
  const em = orm.em.fork();
  wh = (await sqlOne<IdRow>(em, `insert into warehouse (code, name) values ('RW', 'Redis wipe DC') returning id`))!.id;
  await sql(em, 'insert into event_stream (warehouse_id) values (?)', [wh]);
  fx = await withTx(orm.em, (tx) => buildFloor(tx, wh, { orders: 0, skus: 30, prefix: 'W', seed: 11 }));
  sup.id = (await sqlOne<IdRow>(
    em,
    `insert into app_user (username, display_name, password_hash, roles, warehouse_ids) values ('rw-sup', 'Sup', 'x', '{supervisor}', ?::uuid[]) returning id`,
    [`{${wh}}`],
  ))!.id;
  sup.token = signAccessToken(jwtSettings(loadConfig({ NODE_ENV: 'test' })), {
    id: sup.id,
    username: 'rw-sup',
    roles: ['supervisor'],
    warehouseIds: [wh],
  });
  cluster = await Cluster.start({
    apis: 2,
    workers: 2,
    databaseUrl: db.url,
    ownRedis: true,
    env: { REDIS_PREFIX: prefix, RECONCILER_EVERY_MS: '2000', INTAKE_STALE_MS: '2000', RECONCILE_EVERY_MS: '5000' },
  });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await orm?.close(true);
  await db?.drop();
});

/** A storefront that retries with the same Idempotency-Key until it gets an answer (through either API). */
async function postOrder(i: number): Promise<void> {
  const key = randomUUID();
  const lines = [0, 1]
    .slice(0, 1 + (i % 2))
    .map((k) => ({ sku: fx.skus[(i * 7 + k * 13) % fx.skus.length]!.code, qty: 1 + ((i + k) % 2), unitPriceMinor: 500 }));
  const body = JSON.stringify({
    warehouseId: wh,
    externalId: `RW-${i}`,
    currency: 'EUR',
    shipTo: { name: `C ${i}`, address1: 'Street 1', city: 'Utrecht', country: 'NL' },
    lines,
  });
  for (let attempt = 0; ; attempt++) {
    const api = `api${(i + attempt) % 2}`;
    try {
      const r = await fetch(`${cluster.url(api)}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sup.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      if (r.status === 200 || r.status === 201) return;
      if (r.status < 500 && r.status !== 409 && r.status !== 429) throw new Error(`order ${i}: HTTP ${r.status} ${await r.text()}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`order ${i}:`)) throw err;
    }
    if (attempt > 200) throw new Error(`order ${i} never accepted`);
    await new Promise((r) => setTimeout(r, 100 + attempt * 50));
  }
}

describe('Redis is a cache of work', () => {
  it('allocates all orders exactly once through two FLUSHALLs and an empty Redis restart; schedulers and leases come back', async () => {
    let next = 0;
    const faults: string[] = [];
    const chaos = async (i: number) => {
      if (i === Math.floor(ORDERS * 0.25) || i === Math.floor(ORDERS * 0.5)) {
        await cluster.flushRedis();
        faults.push(`FLUSHALL at order ${i}`);
      }
      if (i === Math.floor(ORDERS * 0.75)) {
        await cluster.kill('redis');
        await new Promise((r) => setTimeout(r, 500));
        await cluster.restart('redis');
        faults.push(`redis killed and restarted empty at order ${i}`);
      }
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const i = next++;
          if (i >= ORDERS) return;
          await chaos(i);
          await postOrder(i);
        }
      }),
    );
    expect(faults).toHaveLength(3);
    // An expired lease left behind (a handheld that died while Redis was gone).
    const em = orm.em.fork();
    const task = await sqlOne<IdRow>(
      em,
      `insert into task (warehouse_id, type, status, roles, assignee_id, lease_expires_at, claimed_at)
      values (?, 'count', 'claimed', '{picker}', ?, now() - interval '1 minute', now() - interval '10 minutes') returning id`,
      [wh, sup.id],
    );

    const counts = () =>
      sql<Pick<SalesOrderRow, 'status'> & CountRow>(
        orm.em.fork(),
        `select status, count(*)::int as n from sales_order where warehouse_id = ? group by status`,
        [wh],
      );
    await waitFor(
      async () => (await counts()).some((c) => c.status === 'allocated' && c.n === ORDERS),
      240_000,
      `${ORDERS} orders allocated`,
    ).catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify(await counts())}`);
    });
    // Exactly once: every order once, every line reserved exactly its quantity, the ledger balanced.
    const dup = await sql(em, `select external_id from sales_order where warehouse_id = ? group by external_id having count(*) > 1`, [wh]);
    expect(dup).toEqual([]);
    const wrong = await sql(
      em,
      `select l.id, l.qty, l.allocated_qty, coalesce(sum(r.qty) filter (where r.status <> 'released'), 0)::int as reserved
      from order_line l join sales_order o on o.id = l.order_id left join stock_reservation r on r.ref_id = l.id::text
      where o.warehouse_id = ? group by l.id having l.allocated_qty <> l.qty or coalesce(sum(r.qty) filter (where r.status <> 'released'), 0) <> l.qty`,
      [wh],
    );
    expect(wrong).toEqual([]);
    expect(await ledgerMismatches(em, wh)).toEqual([]);

    // Every scheduled job exists again in the (restarted, empty) Redis.
    const connection = bullConnection({ REDIS_URL: cluster.redisUrl });
    for (const s of scheduledJobs()) {
      const q = new Queue(s.queue, { connection, prefix: `${prefix}:bull` });
      await waitFor(async () => !!(await q.getJobScheduler(s.id)), 30_000, `scheduler ${s.queue}/${s.id}`);
      await q.close();
    }
    // The expired lease returned its task to the pool.
    await waitFor(
      async () =>
        (await sqlOne<Pick<TaskRow, 'status'>>(orm.em.fork(), 'select status from task where id = ?', [task!.id]))!.status === 'open',
      30_000,
      'the abandoned task back in the pool',
    );
    const repairs = await sql<Pick<ReconcilerRepairRow, 'kind' | 'total'>>(em, 'select kind, total from reconciler_repair where total > 0');
    expect(repairs.map((r) => r.kind)).toContain('scheduler');
  }, 600_000);
});
