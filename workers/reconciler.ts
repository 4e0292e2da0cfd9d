import pg from 'pg';
import type { JobsOptions } from 'bullmq';
import { countRepairs, parkDeadLetter } from '../domain/events/dead-letter.js';
import { PLAN_COLUMNS, type PlanRow } from '../domain/dispatch/day-loader.js';
import { solveJobId } from '../domain/dispatch/plan.service.js';
import { markFailed } from '../domain/dispatch/solve-store.js';
import { systemClock } from '../domain/shared/clock.js';
import { sql } from '../domain/shared/sql.js';
import { releaseExpiredPackLeases } from '../domain/packing/pack-lease.js';
import { releaseExpiredLeases } from '../domain/tasks/task.supervisor.js';
import { withTx } from '../platform/db.js';
import { ignoredSql, queueDefs, type QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { sweep } from './reconciliation.worker.js';
import { jobsOf, repeatOf } from './schedules.js';
import type { OutboxRow } from '../domain/events/entities/outbox.entity.js';
import type { AdvisoryLockRow } from '../domain/shared/rows.js';
import type { RoutePlanRow } from '../domain/dispatch/entities/route-plan.entity.js';

/** A plan that may have lost its solve job, with what decides whether it did. */
export type LostPlanRow = PlanRow & Pick<RoutePlanRow, 'started_at' | 'updated_at' | 'time_limit_s'>;

/** Relayed events younger than this may still be on their way into Redis or running: not repaired yet. */
const EVENT_MIN_AGE_MS = 3_000;
/** How far back the reconciler looks for relayed events without a recorded effect. */
const EVENT_WINDOW_H = 24;
/** A solve may run its time limit plus this long before its plan is declared lost. */
const SOLVE_GRACE_S = 120;
/** A queued plan whose job is gone for this long is declared lost. */
const QUEUED_LOST_S = 30;
const BATCH = 5_000;

export type Repairs = Record<string, number>;
export type EventJobsRow = Pick<OutboxRow, 'id' | 'seq' | 'warehouse_id' | 'type' | 'created_at'> & { payload: unknown };

/**
 * Postgres is the truth; Redis is a cache of work. The reconciler (one leader among worker processes, elected
 * with a PostgreSQL advisory lock like the outbox relay) rebuilds what Redis lost:
 * - every repeatable job in `scheduledJobs()` (and the per-connector polls, via the orders sweep);
 * - a job for every relayed outbox event whose effect is not recorded in `event_consumption` for a subscribing
 *   queue (a job that BullMQ failed for good is parked in the dead-letter store instead);
 * - intake deliveries and pending orders without a job (the orders sweep), expired task and pack-session leases;
 * - route plans left queued or solving by a lost job go to failed with a reason (reoptimize retries them).
 * It runs at start, when Redis comes back after a disconnect, when its sentinel key vanished (FLUSHALL or a
 * restart without persistence), and every RECONCILER_EVERY_MS.
 */
export class Reconciler {
  private client?: pg.Client;
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private redisCameBack = true;
  private lastRun = 0;
  isLeader = false;
  runs = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly opts: { everyMs: number; checkMs?: number } = { everyMs: rt.config.RECONCILER_EVERY_MS },
  ) {}

  private get sentinel(): string {
    return `${this.rt.config.REDIS_PREFIX}:reconciler:alive`;
  }

  start(): void {
    this.rt.redis.on('ready', () => {
      this.redisCameBack = true;
      this.wake?.();
    });
    this.loop = this.run().catch((err) => this.rt.logger.error({ err }, 'reconciler crashed'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.dropLeadership();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.isLeader) await this.acquireLeadership();
        if (this.isLeader) {
          const wiped = (await this.rt.redis.exists(this.sentinel)) === 0;
          const due = Date.now() - this.lastRun >= this.opts.everyMs;
          if (wiped || due || this.redisCameBack) {
            const reason = this.redisCameBack ? 'redis-ready' : wiped ? 'redis-wiped' : 'periodic';
            this.redisCameBack = false;
            const repairs = await this.runOnce();
            await this.rt.redis.set(this.sentinel, String(Date.now()));
            this.lastRun = Date.now();
            const total = Object.values(repairs).reduce((a, b) => a + b, 0);
            if (total > 0 || reason !== 'periodic') this.rt.logger.info({ reason, repairs }, 'reconciler run');
          }
        }
      } catch (err) {
        this.rt.logger.warn({ err }, 'reconciler iteration failed; retrying');
        if (!this.client) this.isLeader = false;
      }
      await this.sleep(this.opts.checkMs ?? 1_000);
    }
  }

  private async acquireLeadership(): Promise<void> {
    if (!this.client) {
      this.client = new pg.Client({ connectionString: this.rt.config.DATABASE_URL, application_name: 'dockside-reconciler' });
      this.client.on('error', () => void this.dropLeadership());
      await this.client.connect();
    }
    const r = await this.client.query<AdvisoryLockRow>(`select pg_try_advisory_lock(hashtext('dockside.reconciler')) as ok`);
    this.isLeader = r.rows[0]!.ok;
    if (this.isLeader) {
      this.redisCameBack = true; // a new leader reconciles at once
      this.rt.logger.info('reconciler is the leader');
    }
  }

  private async dropLeadership(): Promise<void> {
    this.isLeader = false;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  /** One full pass; returns what it repaired by kind (also added to `reconciler_repair`). */
  async runOnce(): Promise<Repairs> {
    this.runs++;
    const repairs: Repairs = {
      scheduler: await this.schedulers(),
      'event-job': 0,
      'dead-letter': 0,
      lease: 0,
      'route-plan': 0,
      intake: 0,
      allocation: 0,
    };
    const ev = await this.eventJobs();
    repairs['event-job'] = ev.requeued;
    repairs['dead-letter'] = ev.parked;
    const s = await sweep(this.rt);
    repairs.intake = s.stuck;
    repairs.allocation = s.waiting;
    repairs.lease = (await withTx(this.rt.orm.em, (tx) => releaseExpiredLeases(tx, systemClock))).length;
    repairs['pack-lease'] = (await withTx(this.rt.orm.em, (tx) => releaseExpiredPackLeases(tx))).length;
    repairs['route-plan'] = await this.lostPlans();
    const em = this.rt.orm.em.fork();
    for (const [kind, n] of Object.entries(repairs)) await countRepairs(em, kind, n);
    return repairs;
  }

  private async schedulers(): Promise<number> {
    let n = 0;
    for (const s of jobsOf(this.rt.config.orders)) {
      const q = this.rt.queues.get(s.queue);
      if (await q.getJobScheduler(s.id)) continue;
      await q.upsertJobScheduler(s.id, repeatOf(s), { name: s.name, data: s.data });
      n++;
    }
    return n;
  }

  private async eventJobs(): Promise<{ requeued: number; parked: number }> {
    const em = this.rt.orm.em.fork();
    let requeued = 0;
    let parked = 0;
    for (const queue of Object.keys(queueDefs) as QueueName[]) {
      const subs = queueDefs[queue].subscribes as readonly string[];
      if (!subs.length) continue;
      const exact = subs.filter((p) => !p.endsWith('*'));
      const prefixes = subs.filter((p) => p.endsWith('*')).map((p) => `${p.slice(0, -1)}%`);
      // Events the relay does not queue for this queue (its ignore rules) have no job to rebuild.
      const ignored = ignoredSql(queue, 'o');
      const rows = await sql<EventJobsRow>(
        em,
        `select o.id, o.seq, o.warehouse_id, o.type, o.payload, o.created_at from outbox o
        where o.relayed_at is not null and o.relayed_at < now() - make_interval(secs => ?) and o.relayed_at > now() - make_interval(hours => ?)
          and (o.type = any(?::text[]) or o.type like any(?::text[]))
          and not (${ignored.text})
          and not exists (select 1 from event_consumption c where c.queue = ? and c.event_id = o.id)
          and not exists (select 1 from dead_letter d where d.queue = ? and d.job_id = 'evt-' || o.id and d.status = 'parked')
        order by o.id limit ?`,
        [
          EVENT_MIN_AGE_MS / 1000,
          EVENT_WINDOW_H,
          `{${exact.join(',')}}`,
          `{${prefixes.join(',')}}`,
          ...ignored.params,
          queue,
          queue,
          BATCH,
        ],
      );
      if (!rows.length) continue;
      const q = this.rt.queues.get(queue);
      const missing: { name: string; data: unknown; opts: JobsOptions }[] = [];
      for (const r of rows) {
        const jobId = `evt-${r.id}`;
        const job = await q.getJob(jobId);
        if (job) {
          if ((await job.getState()) === 'failed') {
            // BullMQ gave up on it (attempts or stalls) without our guard parking it: park it now.
            if (
              await parkDeadLetter(em, {
                queue,
                jobId,
                jobName: job.name,
                payload: job.data,
                jobOpts: { attempts: job.opts.attempts, backoff: job.opts.backoff },
                attempts: job.attemptsMade,
                reason: 'attempts_exhausted',
                error: job.failedReason || 'failed',
              })
            )
              parked++;
          }
          continue;
        }
        missing.push({
          name: r.type,
          data: {
            id: String(r.id),
            seq: Number(r.seq),
            warehouseId: r.warehouse_id,
            type: r.type,
            payload: r.payload,
            occurredAt: new Date(r.created_at).toISOString(),
          },
          opts: { jobId },
        });
      }
      if (missing.length) await q.addBulk(missing as never);
      requeued += missing.length;
    }
    return { requeued, parked };
  }

  private async lostPlans(): Promise<number> {
    const em = this.rt.orm.em.fork();
    const plans = await sql<LostPlanRow>(
      em,
      `select ${PLAN_COLUMNS}, started_at, updated_at, time_limit_s from route_plan where status in ('queued', 'solving')`,
    );
    let n = 0;
    for (const p of plans) {
      let reason: string | undefined;
      if (p.status === 'solving' && p.started_at && Date.now() - new Date(p.started_at).getTime() > (p.time_limit_s + SOLVE_GRACE_S) * 1000)
        reason = `lost: the solve did not finish within its time limit (${p.time_limit_s} s) plus ${SOLVE_GRACE_S} s; reoptimize to retry`;
      else if (p.status === 'queued' && Date.now() - new Date(p.updated_at).getTime() > QUEUED_LOST_S * 1000) {
        const job = await this.rt.queues.get('routing').getJob(solveJobId(p.id, p.version));
        const state = job ? await job.getState() : 'missing';
        if (state === 'missing' || state === 'failed' || state === 'completed')
          reason = `lost: its solve job is ${state} (Redis lost it or it gave up); reoptimize to retry`;
      }
      if (!reason) continue;
      await withTx(this.rt.orm.em, (tx) => markFailed(tx, p, reason));
      n++;
    }
    return n;
  }
}
