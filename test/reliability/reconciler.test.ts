import { randomUUID } from 'node:crypto';
/**
 * Postgres is the truth, Redis a cache of work: the reconciler rebuilds lost schedulers and event jobs, poison
 * jobs are parked in the dead-letter store (visible and replayable by an admin), a route plan lost with its job
 * fails with a reason, /metrics shows the new figures, and a Redis that may evict keys is refused at start.
 * (This file shares the suite's Redis, so it deletes its own key prefix instead of FLUSHALL; the FLUSHALL and
 * kill-Redis scenario runs against a private redis-server in test/cluster/redis-wipe.test.ts.)
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { assertNoEviction } from '../../platform/redis.js';
import { createRuntime } from '../../platform/runtime.js';
import { scheduledJobs } from '../../workers/schedules.js';
import { http, startTestSystem, testConfig, type TestSystem } from '../harness/context.js';
import { freePort, waitFor } from '../cluster/harness.js';
import { eventually } from '../floor/support.js';

import type { DeadLetterRow } from '../../domain/events/entities/dead-letter.entity.js';
import type { IdRow } from '../../domain/shared/rows.js';
import type { EventConsumptionRow } from '../../domain/events/entities/event-consumption.entity.js';
import type { RoutePlanRow } from '../../domain/dispatch/entities/route-plan.entity.js';
let sys: TestSystem;
let workers: Awaited<ReturnType<TestSystem['startWorkers']>>;
let admin: string;
const em = () => sys.rt.orm.em.fork();

beforeAll(async () => {
  // A long period: the test drives the reconciler itself with runOnce().
  sys = await startTestSystem({ env: { RECONCILER_EVERY_MS: '600000' } });
  workers = await sys.startWorkers();
  admin = (await sys.user('dl-admin', ['admin'])).token;
}, 120_000);
afterAll(async () => sys?.close());

/**
 * Deletes this system's keys but the reconciler's sentinel: with the sentinel gone, the background loop would
 * notice the wipe within a second and repair before the test's own runOnce() (the wipe-detection path is tested
 * against a private Redis in test/cluster/redis-wipe.test.ts).
 */
async function wipeOurRedisKeys() {
  const sentinel = `${sys.config.REDIS_PREFIX}:reconciler:alive`;
  const keys = (await sys.rt.redis.keys(`${sys.config.REDIS_PREFIX}:*`)).filter((k) => k !== sentinel);
  if (keys.length) await sys.rt.redis.del(...keys);
}

describe('dead-letter store', () => {
  it('parks a validation failure at once and a failing job after its attempts, with the last error; an admin replays it', async () => {
    await sys.rt.queues.get('floor-events').add('bad', { not: 'an event' }, { jobId: 'poison-validation' });
    await sys.rt.queues
      .get('webhook-intake')
      .add('poison', { deliveryId: 'not-a-uuid' }, { jobId: 'poison-db', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const parked = await eventually(
      () =>
        sql<Pick<DeadLetterRow, 'job_id' | 'reason' | 'attempts' | 'last_error'>>(
          em(),
          `select * from dead_letter where status = 'parked' order by job_id`,
        ),
      (r) => r.length === 2,
    );
    expect(parked.map((p) => [p.job_id, p.reason, p.attempts])).toEqual([
      ['poison-db', 'attempts_exhausted', 3],
      ['poison-validation', 'validation', 1],
    ]);
    expect(parked[0]!.last_error).toMatch(/uuid/);
    // Visible to an admin only.
    const picker = (await sys.user('dl-picker', ['picker'])).token;
    expect((await http('GET', `${sys.url}/v1/dead-letters`, { token: picker })).status).toBe(403);
    const list = await http('GET', `${sys.url}/v1/dead-letters`, { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { jobId: string }) => i.jobId).sort()).toEqual(['poison-db', 'poison-validation']);
    // Replay: runs again under its job id with fresh attempts; still poison, so it is parked again.
    const item = list.body.items.find((i: { jobId: string }) => i.jobId === 'poison-db');
    const replay = await http('POST', `${sys.url}/v1/dead-letters/${item.id}/replay`, { token: admin });
    expect(replay.status).toBe(200);
    expect(replay.body.status).toBe('replayed');
    expect((await http('POST', `${sys.url}/v1/dead-letters/${item.id}/replay`, { token: admin })).status).toBe(409);
    await eventually(
      () => sql(em(), `select 1 from dead_letter where job_id = 'poison-db' and status = 'parked'`),
      (r) => r.length === 1,
    );
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(metrics).toMatch(/^dead_letters_parked 2$/m);
    expect(metrics).toMatch(/^queue_oldest_waiting_age_seconds\{queue="allocation"\} /m);
  });

  it('keeps a poison storefront delivery out of the sweep once its attempts are used up', async () => {
    const c = await sqlOne<IdRow>(
      em(),
      `insert into connector (warehouse_id, kind, name, shop_domain, webhook_secret_enc, poll_enabled) values (?, 'shopify', 'poison shop', 'poison.example', 'x', false) returning id`,
      [sys.wh1],
    );
    await sql(
      em(),
      `insert into webhook_delivery (connector_id, source, delivery_id, topic, raw_body, attempts, received_at) values (?, 'shopify', 'p1', 'orders/create', '{}', ?, now() - interval '1 hour')`,
      [c!.id, sys.config.JOB_MAX_ATTEMPTS],
    );
    await sql(
      em(),
      `insert into webhook_delivery (connector_id, source, delivery_id, topic, raw_body, attempts, received_at) values (?, 'shopify', 'p2', 'orders/create', '{}', 1, now() - interval '1 hour')`,
      [c!.id],
    );
    // Only the delivery with attempts left is re-enqueued.
    const r = await workers.reconciler.runOnce();
    expect(r.intake).toBe(1);
  });
});

describe('reconciler', () => {
  it('rebuilds every scheduled job and the jobs of relayed events whose effect is not recorded', async () => {
    await workers.reconciler.runOnce();
    // An event relayed a while ago whose job Redis lost (it never ran: no effect recorded).
    const ev = await sqlOne<IdRow>(
      em(),
      `insert into outbox (warehouse_id, type, payload, seq, relayed_at) values (?, 'task.completed', ?::jsonb, 999999, now() - interval '10 seconds') returning id`,
      [
        sys.wh1,
        JSON.stringify({ taskId: randomUUID(), type: 'pick', status: 'done', priority: 50, assigneeId: null, waveId: null, qtyDone: 0 }),
      ],
    );
    await wipeOurRedisKeys();
    for (const s of scheduledJobs()) expect(await sys.rt.queues.get(s.queue).getJobScheduler(s.id)).toBeUndefined();
    const repairs = await workers.reconciler.runOnce();
    expect(repairs.scheduler).toBe(scheduledJobs().length);
    expect(repairs['event-job']).toBeGreaterThanOrEqual(1);
    for (const s of scheduledJobs()) expect(await sys.rt.queues.get(s.queue).getJobScheduler(s.id)).toBeDefined();
    await eventually(
      () => sqlOne(em(), `select 1 from event_consumption where queue = 'floor-events' and event_id = ?`, [ev!.id]),
      (r) => !!r,
    );
    // Recorded effects are not re-enqueued: a second pass repairs nothing of that kind.
    const again = await workers.reconciler.runOnce();
    expect([again.scheduler, again['event-job']]).toEqual([0, 0]);
    const metrics = await (await fetch(`${sys.url}/metrics`)).text();
    expect(metrics).toMatch(/^reconciler_repairs_total\{kind="scheduler"\} [1-9]/m);
  });

  it('rebuilds no job for an event its queue ignores (a pick scan that leaves the face at or above min)', async () => {
    await workers.reconciler.runOnce();
    const moved = (seq: number, flags: Record<string, boolean>) =>
      sqlOne<IdRow>(
        em(),
        `insert into outbox (warehouse_id, type, payload, seq, relayed_at) values (?, 'stock.moved', ?::jsonb, ?, now() - interval '10 seconds') returning id`,
        [
          sys.wh1,
          JSON.stringify({
            movementId: '1',
            type: 'pick',
            skuId: randomUUID(),
            qty: 1,
            from: { locationId: null },
            to: { locationId: null },
            ...flags,
          }),
          seq,
        ],
      );
    const ignored = (await moved(999997, { toAllocatable: false, faceBelowMin: false }))!;
    const plain = (await moved(999998, {}))!;
    await wipeOurRedisKeys();
    await workers.reconciler.runOnce();
    // The event without the fields: both queues' jobs rebuilt and run (they find nothing to do).
    const consumed = (id: string) =>
      sql<Pick<EventConsumptionRow, 'queue'>>(em(), `select queue from event_consumption where event_id = ? order by queue`, [id]);
    await eventually(
      () => consumed(plain.id),
      (r) => r.length === 2,
    );
    for (const q of ['allocation-triggers', 'replenishment'] as const)
      expect(await sys.rt.queues.get(q).getJob(`evt-${ignored.id}`)).toBeUndefined();
    expect(await consumed(ignored.id)).toEqual([]);
  });

  it('fails a route plan left queued by a lost job, with a reason', async () => {
    const plan = await sqlOne<IdRow>(
      em(),
      `insert into route_plan (warehouse_id, delivery_date, status, time_limit_s, updated_at) values (?, current_date, 'queued', 5, now() - interval '5 minutes') returning id`,
      [sys.wh1],
    );
    const repairs = await workers.reconciler.runOnce();
    expect(repairs['route-plan']).toBe(1);
    const row = await sqlOne<Pick<RoutePlanRow, 'status' | 'error'>>(em(), 'select status, error from route_plan where id = ?', [plan!.id]);
    expect(row!.status).toBe('failed');
    expect(row!.error).toMatch(/^lost: its solve job is missing/);
  });
});

describe('Redis eviction policy', () => {
  it('refuses to start on a Redis whose maxmemory-policy is not noeviction', async () => {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--maxmemory-policy', 'allkeys-lru'],
      {
        stdio: 'ignore',
      },
    );
    try {
      // A fresh client per attempt: an ioredis client whose first connect failed is reconnecting on
      // its own, and connect() on it rejects however soon the server comes up.
      let r: Redis | undefined;
      await waitFor(
        () => {
          const attempt = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
          attempt.on('error', () => undefined);
          return attempt.connect().then(
            () => ((r = attempt), true),
            () => (attempt.disconnect(), false),
          );
        },
        10_000,
        'redis-server',
      );
      await expect(assertNoEviction(r!)).rejects.toThrow(/noeviction/);
      r!.disconnect();
      await expect(createRuntime('test', testConfig(sys.config.DATABASE_URL, { REDIS_URL: `redis://127.0.0.1:${port}` }))).rejects.toThrow(
        /maxmemory-policy is "allkeys-lru"/,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
