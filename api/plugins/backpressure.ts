import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge } from 'prom-client';
import { sqlOne } from '../../domain/shared/sql.js';
import type { Orm } from '../../platform/db.js';
import { sendProblem } from '../problem.js';
import { metricsRegistry } from './metrics.js';

const BACKLOG_EVERY_MS = 500;
const LOOP_WINDOW_MS = 50;
export type ReadBacklogRow = { n: number };
export type ShedReason = 'inflight' | 'queue' | 'loop' | 'backlog' | 'deadline';

/** What an intake route has waiting for the database (the webhook edge's group commit). */
export interface IntakeQueue {
  depth: number;
  /** The standing queue wait (GroupCommit.standingWaitMs), ms. */
  waitMs: number;
}

const shedTotal = new Counter({
  name: 'intake_shed_total',
  help: 'Intake requests answered 503 + Retry-After, by route and reason (inflight, queue, loop, backlog, deadline)',
  labelNames: ['route', 'reason'],
  registers: [metricsRegistry],
});
// The gauges read the latest gate of each route at scrape time (a second app in the same process, in tests, takes over).
const gates = new Map<string, { inflight: () => number; queue?: () => IntakeQueue; backlog: () => number }>();
new Gauge({
  name: 'intake_inflight',
  help: 'Intake requests admitted and not yet answered, on this process',
  labelNames: ['route'],
  registers: [metricsRegistry],
  collect() {
    for (const [route, g] of gates) this.set({ route }, g.inflight());
  },
});
new Gauge({
  name: 'intake_queue_depth',
  help: 'Deliveries waiting for or in a group-commit insert, on this process',
  labelNames: ['route'],
  registers: [metricsRegistry],
  collect() {
    for (const [route, g] of gates) if (g.queue) this.set({ route }, g.queue().depth);
  },
});
new Gauge({
  name: 'intake_queue_wait_seconds',
  help: 'Standing wait of deliveries for a group-commit writer (least batch wait over the last 100 ms)',
  labelNames: ['route'],
  registers: [metricsRegistry],
  collect() {
    for (const [route, g] of gates) if (g.queue) this.set({ route }, g.queue().waitMs / 1000);
  },
});
new Gauge({
  name: 'intake_backlog',
  help: "Storefront deliveries stored and not yet imported (status 'received'), as the gate last read it (capped at INTAKE_MAX_BACKLOG)",
  registers: [metricsRegistry],
  collect() {
    this.set(Math.max(0, ...[...gates.values()].map((g) => g.backlog())));
  },
});

/**
 * The stored-but-not-imported count, read in the background every half second (one reader per ORM), so no request
 * ever waits on it. The count stops at the limit: past it the exact figure does not matter and costs a longer scan.
 */
const backlogs = new WeakMap<Orm, { n: number; users: number; stop: () => void }>();
function backlogReader(app: FastifyInstance, limit: number): { n: number } {
  const orm = app.orm;
  let r = backlogs.get(orm);
  if (!r) {
    let reading = false;
    const read = () => {
      if (reading) return;
      reading = true;
      sqlOne<ReadBacklogRow>(
        orm.em.fork(),
        `select count(*)::int as n from (select 1 from webhook_delivery where status = 'received' limit ?) b`,
        [limit],
      )
        .then((row) => (r!.n = row!.n))
        .catch((err: unknown) => app.log.warn({ err }, 'intake backlog not read'))
        .finally(() => (reading = false));
    };
    const timer = setInterval(read, BACKLOG_EVERY_MS).unref();
    r = { n: 0, users: 0, stop: () => clearInterval(timer) };
    backlogs.set(orm, r);
    read();
  }
  r.users++;
  const reader = r;
  app.addHook('onClose', async () => {
    if (--reader.users === 0) {
      reader.stop();
      backlogs.delete(orm);
    }
  });
  return reader;
}

/**
 * Event-loop delay of this process, sustained: the least of the worst delays of the last four 50 ms windows
 * (perf_hooks' histogram, reset each window). One long pause (a GC, a lazy import) does not count; a loop that stays
 * behind for 200 ms does.
 */
let loop: { ms: number; users: number; stop: () => void } | undefined;
function loopDelay(app: FastifyInstance): { ms: number } {
  if (!loop) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const windows = [0, 0, 0, 0];
    let i = 0;
    const timer = setInterval(() => {
      windows[i++ % windows.length] = h.max / 1e6;
      h.reset();
      loop!.ms = Math.min(...windows);
    }, LOOP_WINDOW_MS).unref();
    loop = {
      ms: 0,
      users: 0,
      stop: () => {
        clearInterval(timer);
        h.disable();
      },
    };
  }
  loop.users++;
  const l = loop;
  app.addHook('onClose', async () => {
    if (--l.users === 0) {
      l.stop();
      if (loop === l) loop = undefined;
    }
  });
  return l;
}

export interface IntakeGate {
  onRequest: onRequestHookHandler;
  /** Answers 503 + Retry-After for an admitted request whose work missed its deadline (it may still complete). */
  late(req: FastifyRequest, reply: FastifyReply): FastifyReply;
}

/**
 * Intake backpressure: beyond capacity the intake routes answer 503 with Retry-After BEFORE the body is read or
 * anything is written, from state already in memory (no request waits on a query), so a refusal costs microseconds
 * and comes at once; storefronts and API clients retry later. Capacity is, per process: intake requests in flight
 * (INTAKE_MAX_INFLIGHT), how long stored deliveries wait for a group-commit writer (INTAKE_MAX_QUEUE_MS), the
 * event-loop delay (INTAKE_MAX_LOOP_DELAY_MS); and overall, deliveries stored but not yet imported
 * (INTAKE_MAX_BACKLOG). Spread `onRequest` into a route's options. Shed counts and queue depth are in /metrics.
 */
export function intakeBackpressure(app: FastifyInstance, o: { route: string; queue?: () => IntakeQueue }): IntakeGate {
  const c = app.config;
  let inflight = 0;
  // Refused and admitted requests of the current and the previous second, for the Retry-After of an in-process refusal.
  let second = { at: 0, shed: 0, admitted: 0 };
  let last = { shed: 0, admitted: 0 };
  const tick = () => {
    const now = Math.floor(performance.now() / 1000);
    if (now !== second.at) {
      last = now === second.at + 1 ? second : { shed: 0, admitted: 0 };
      second = { at: now, shed: 0, admitted: 0 };
    }
  };
  /**
   * How long a refused client should stay away: the refused work measured in seconds of what this process admits
   * (refused ÷ admitted over the last second), 1 to 30 s. A flat 1 s turns a long overload into a retry storm that
   * keeps the process refusing; this spreads the retries over the time the work needs.
   */
  const retryAfterS = () => Math.min(30, Math.max(1, Math.ceil((last.shed + second.shed) / Math.max(1, last.admitted + second.admitted))));
  const backlog = backlogReader(app, c.INTAKE_MAX_BACKLOG);
  const lag = loopDelay(app);
  gates.set(o.route, { inflight: () => inflight, queue: o.queue, backlog: () => backlog.n });

  const refuse = (req: FastifyRequest, reply: FastifyReply, reason: ShedReason, retry: number, why: string, stored = false) => {
    shedTotal.inc({ route: o.route, reason });
    tick();
    second.shed++;
    reply.header('retry-after', String(retry));
    return sendProblem(reply, req, {
      type: 'intake-over-capacity',
      title: 'Service unavailable',
      status: 503,
      detail: stored
        ? `Intake is over capacity (${why}); the delivery may have been stored: retry after ${retry} s with the same id, a stored one is recognized`
        : `Intake is over capacity (${why}); nothing was stored, retry after ${retry} s`,
      errors: [],
    });
  };

  /** Why this process should refuse intake right now, from in-memory state only; undefined when it has room. */
  const over = (): [ShedReason, number, string] | undefined => {
    const q = o.queue?.();
    if (inflight >= c.INTAKE_MAX_INFLIGHT) return ['inflight', retryAfterS(), `${inflight} intake requests in flight on this node`];
    if (q && q.waitMs >= c.INTAKE_MAX_QUEUE_MS)
      return ['queue', retryAfterS(), `${q.depth} deliveries waiting ${Math.round(q.waitMs)} ms for the database`];
    if (lag.ms >= c.INTAKE_MAX_LOOP_DELAY_MS) return ['loop', retryAfterS(), `this node is ${Math.round(lag.ms)} ms behind`];
    if (backlog.n >= c.INTAKE_MAX_BACKLOG) return ['backlog', 5, `${backlog.n} deliveries waiting to be imported`];
    return undefined;
  };
  const onRequest: onRequestHookHandler = (req, reply, done) => {
    const refused = over();
    if (refused) {
      refuse(req, reply, ...refused);
      return;
    }
    inflight++;
    tick();
    second.admitted++;
    // 'close' fires once the response is sent or the client went away, so the count cannot leak.
    reply.raw.once('close', () => inflight--);
    done();
  };
  return {
    onRequest,
    late: (req, reply) => refuse(req, reply, 'deadline', retryAfterS(), `not stored within ${c.INTAKE_ACK_DEADLINE_MS} ms`, true),
  };
}
