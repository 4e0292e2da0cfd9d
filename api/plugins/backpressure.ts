import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Counter, Gauge } from 'prom-client';
import { sqlOne } from '../../domain/shared/sql.js';
import type { Orm } from '../../platform/db.js';
import { PROBLEM_BASE, sendProblem } from '../problem.js';
import { AdmissionLimit } from './admission-limit.js';
import { metricsRegistry } from './metrics.js';
import { RetryAfter } from './retry-after.js';

const BACKLOG_EVERY_MS = 500;
/**
 * Time between backlog reads per row the last read counted, ms: about ten times what counting a pending row cost on the
 * loaded bench machine (6 µs), so the reader keeps a backend busy a tenth of the time at most.
 */
const BACKLOG_MS_PER_ROW = 0.05;
const LOOP_WINDOW_MS = 50;
/** How often the turn clock (`loopTurn`) reads the time from the loop's timers phase, ms. */
const TURN_TICK_MS = 5;
export type ReadBacklogRow = { n: number };
/**
 * Why an intake request was answered 503. All but the last two are early refusals (nothing read, nothing stored); the
 * last two are admitted deliveries that missed the ack deadline: `deadline`, its insert still running (it may commit),
 * and `deadline_queued`, withdrawn before any writer took it (nothing stored).
 */
export type ShedReason = 'inflight' | 'limit' | 'turn' | 'stall' | 'queue' | 'loop' | 'busy' | 'backlog' | 'deadline' | 'deadline_queued';

/** What an intake route has waiting for the database (the webhook edge's group commit). */
export interface IntakeQueue {
  depth: number;
  /** The standing queue wait (GroupCommit.standingWaitMs), ms. */
  waitMs: number;
  /** How long the oldest waiting delivery has waited with no batch started since (GroupCommit.stalledMs), ms. */
  stalledMs?: number;
}

// Refusals are counted in a plain map and handed to the counter at scrape time: a labelled inc() per 503 hashed its
// labels on the refusal path, which should cost no more than the answer itself.
const shedCounts = new Map<string, { route: string; reason: ShedReason; n: number }>();
const countShed = (route: string, reason: ShedReason) => {
  const key = `${route} ${reason}`;
  const c = shedCounts.get(key);
  if (c) c.n++;
  else shedCounts.set(key, { route, reason, n: 1 });
};
new Counter({
  name: 'intake_shed_total',
  help: 'Intake requests answered 503 + Retry-After, by route and reason: refused on arrival (inflight, limit, turn, stall, queue, loop, busy, backlog), or admitted and not stored within INTAKE_ACK_DEADLINE_MS (deadline: its insert was running and may commit; deadline_queued: withdrawn unwritten)',
  labelNames: ['route', 'reason'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const { route, reason, n } of shedCounts.values()) this.inc({ route, reason }, n);
  },
});
// The gauges read the latest gate of each route at scrape time (a second app in the same process, in tests, takes over).
const gates = new Map<
  string,
  { inflight: () => number; limit: () => number; queue?: () => IntakeQueue; backlog: () => number; retryAfterS: () => number }
>();
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
  name: 'intake_admission_limit',
  help: 'Intake requests this process may hold in flight now: what it finished per ms over the last second × INTAKE_ADMIT_TARGET_MS (INTAKE_MAX_INFLIGHT when off)',
  labelNames: ['route'],
  registers: [metricsRegistry],
  collect() {
    for (const [route, g] of gates) this.set({ route }, g.limit());
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
  name: 'intake_queue_stalled_seconds',
  help: 'How long the oldest delivery waiting for a group-commit writer has waited with no batch started since (every writer stuck)',
  labelNames: ['route'],
  registers: [metricsRegistry],
  collect() {
    for (const [route, g] of gates) if (g.queue) this.set({ route }, (g.queue().stalledMs ?? 0) / 1000);
  },
});
new Gauge({
  name: 'intake_retry_after_seconds',
  help: 'Retry-After an in-process intake refusal would carry now (grows while an overload lasts; 1 when there is none)',
  labelNames: ['route'],
  registers: [metricsRegistry],
  collect() {
    for (const [route, g] of gates) this.set({ route }, g.retryAfterS());
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
 * The count visits the heap tuple of every pending row (no index-only scan while the visibility map is not set, and
 * fresh inserts never have it), so it grows with the backlog: 0.3 s for 50k rows and 0.7–1.2 s for 120k on the loaded
 * bench machine, which at a read every half second kept a backend scanning without pause, evicting the pages the
 * intake inserts need. So the next read waits in proportion to the rows the last one counted (BACKLOG_MS_PER_ROW): a
 * deep backlog is read less often (50k rows: every 2.5 s), which a gate on tens of thousands of waiting imports can
 * afford, and a short one every half second as before.
 */
const backlogs = new WeakMap<Orm, { n: number; users: number; stop: () => void }>();
function backlogReader(app: FastifyInstance, limit: number): { n: number } {
  const orm = app.orm;
  let r = backlogs.get(orm);
  if (!r) {
    let reading = false;
    let nextAt = 0;
    // One fork for the reader's lifetime: the read is raw SQL (nothing enters its identity map), and a fork per read
    // showed up as a loop stall every half second in a profile of the intake edge.
    const em = orm.em.fork();
    const read = () => {
      if (reading || performance.now() < nextAt) return;
      reading = true;
      sqlOne<ReadBacklogRow>(em, `select count(*)::int as n from (select 1 from webhook_delivery where status = 'received' limit ?) b`, [
        limit,
      ])
        .then((row) => {
          r!.n = row!.n;
          nextAt = performance.now() + row!.n * BACKLOG_MS_PER_ROW;
        })
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
 * Event-loop delay and utilization of this process, sustained. Delay: the least of the worst delays of the last four
 * 50 ms windows (perf_hooks' histogram, reset each window), so one long pause (a GC, a lazy import) does not count and
 * a loop that stays behind for 200 ms does. Utilization: the share of the last two windows the loop was busy
 * (`performance.eventLoopUtilization`). Delay says requests are already queueing behind the loop; utilization says
 * they are about to. A gate that sheds only on delay holds the delay at its threshold, and every answer, a 503
 * included, waits that long; one that also sheds on utilization near 1 keeps the queue short in the first place.
 */
let loop: { ms: number; busy: number; users: number; stop: () => void } | undefined;
function loopDelay(app: FastifyInstance): { ms: number; busy: number } {
  if (!loop) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const windows = [0, 0, 0, 0];
    const busy = [0, 0];
    let i = 0;
    let elu: EventLoopUtilization = performance.eventLoopUtilization();
    const timer = setInterval(() => {
      windows[i % windows.length] = h.max / 1e6;
      const now = performance.eventLoopUtilization();
      busy[i % busy.length] = performance.eventLoopUtilization(now, elu).utilization;
      elu = now;
      i++;
      h.reset();
      loop!.ms = Math.min(...windows);
      loop!.busy = (busy[0]! + busy[1]!) / 2;
    }, LOOP_WINDOW_MS).unref();
    loop = {
      ms: 0,
      busy: 0,
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

/**
 * How long the current loop turn has been running, read when a request arrives: the CPU time since the loop last ran its
 * timers phase, where an interval stamps the clock every TURN_TICK_MS. At rest that is under TURN_TICK_MS; while the
 * loop is held (a poll phase reading hundreds of ready sockets, a batch of answers, a GC pause) it is how long it has
 * been held, and so about how long the requests read now have already waited in their sockets. It needs no window:
 * the first request read after the turn passes INTAKE_MAX_TURN_MS sees it.
 */
export class TurnClock {
  private at = performance.now();
  private cpuAt: number;
  /** The last CPU reading in this turn: when (wall clock), and the CPU held then. */
  private readAt = -Infinity;
  private cpuHeld = 0;
  private readonly timer: NodeJS.Timeout;
  /** `cpu`: this process's CPU time, ms (a test counts its reads). */
  constructor(
    tickMs = TURN_TICK_MS,
    private readonly cpu: () => number = cpuMs,
  ) {
    this.cpuAt = cpu();
    this.timer = setInterval(() => {
      this.at = performance.now();
      this.cpuAt = this.cpu();
      this.readAt = -Infinity;
      this.cpuHeld = 0;
    }, tickMs).unref();
  }
  /**
   * How long the loop has been held since it last ran its timers phase, ms, counting only time this process spent on
   * the CPU: a process the kernel took off the CPU (a loaded machine) did no work meanwhile, and refusing what it reads
   * afterwards would turn every such pause into refusals and then retries, more work for the same machine (a loaded
   * bench run refused 408k on the wall clock alone and acknowledged 49k of 120k webhooks in the end). The CPU clock is
   * read only when the wall clock already says `atLeast`, and then at most once a millisecond: read per request, during
   * an overload on a loaded machine, getrusage was 19 % of the process's busy time in a CPU profile. Nor is it read
   * again once this turn's reading has reached `atLeast` (> 0): CPU time only grows, so the answer to "held at least
   * that long?" stays yes until the next tick, and the figure returned is that reading. In the ramp of a loaded
   * intake-ack run (08:13 UTC, load 7-9) cpuUsage was still 4.8 % of the API's CPU profile samples; 1.9 % with this
   * (08:20 UTC, load 5-13).
   */
  heldMs(atLeast = 0): number {
    const now = performance.now();
    const wall = now - this.at;
    if (wall < atLeast) return wall;
    if (atLeast > 0 && this.cpuHeld >= atLeast) return Math.min(wall, this.cpuHeld);
    if (now - this.readAt >= 1) {
      this.cpuHeld = this.cpu() - this.cpuAt;
      this.readAt = now;
    }
    return Math.min(wall, this.cpuHeld);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}
/** CPU time of this process (every thread: the loop, GC helpers, the libuv pool), ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
let turn: { clock: TurnClock; users: number } | undefined;
function loopTurn(app: FastifyInstance): TurnClock {
  turn ??= { clock: new TurnClock(), users: 0 };
  turn.users++;
  const t = turn;
  app.addHook('onClose', async () => {
    if (--t.users === 0) {
      t.clock.stop();
      if (turn === t) turn = undefined;
    }
  });
  return t.clock;
}

/**
 * Early admission, before Fastify sees the request. When the loop itself is the bottleneck, every request a refused one
 * included pays for Fastify's request and reply objects, the logger child, routing, the global hooks and the response
 * serializer before its 503 is written: in a profile that made a refusal cost 3 to 8 bare-Fastify answers, so a process
 * past its capacity could not even keep up with saying no. Each gate registers the URL prefixes of its routes here; the
 * server's 'request' listener decides on a matching POST from the same in-memory state, before its body is read:
 * a refusal is answered right there, an admission is counted in flight and handed to Fastify with everything else.
 */
type EarlyGate = { prefixes: string[]; admit: (req: IncomingMessage, res: ServerResponse) => boolean };
const earlyGates = new WeakMap<Server, { gates: EarlyGate[]; headers: Readonly<Record<string, string>> }>();
/** Marks a request the early gate admitted (and counts in flight), so the route's onRequest hook lets it through. */
const ADMITTED = Symbol('intake-admitted');
type Marked = IncomingMessage & { [ADMITTED]?: true };

/**
 * Puts the early admission in front of Fastify's request handler (call once, before the server listens); `headers` go
 * on every early 503 (the security headers every other answer gets from its onRequest hook).
 */
export function shedBeforeRouting(server: Server, headers: Readonly<Record<string, string>>): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  const gates: EarlyGate[] = [];
  earlyGates.set(server, { gates, headers });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && gates.length) {
      const url = req.url ?? '';
      const g = gates.find((x) => x.prefixes.some((p) => url.startsWith(p)));
      if (g && !g.admit(req, res)) return;
    }
    for (const h of handlers) h.call(server, req, res);
  });
}

export interface IntakeGate {
  onRequest: onRequestHookHandler;
  /**
   * Answers 503 + Retry-After for an admitted request whose work missed its deadline: `mayComplete`, its write was
   * running and may still commit (reason `deadline`); else it was withdrawn and nothing was stored (`deadline_queued`).
   */
  late(req: FastifyRequest, reply: FastifyReply, mayComplete: boolean): FastifyReply;
}

/**
 * Intake backpressure: beyond capacity the intake routes answer 503 with Retry-After BEFORE the body is read or
 * anything is written, from state already in memory (no request waits on a query), so a refusal costs microseconds
 * and comes at once; storefronts and API clients retry later. Capacity is, per process: intake requests in flight,
 * up to an adaptive limit (what the process finished per ms over the last second × INTAKE_ADMIT_TARGET_MS, see
 * admission-limit.ts; INTAKE_MIN_INFLIGHT to INTAKE_MAX_INFLIGHT), how long stored deliveries wait for a group-commit
 * writer (INTAKE_MAX_QUEUE_MS) or for any batch to start (INTAKE_MAX_STALL_MS), how long the current loop turn has
 * run (INTAKE_MAX_TURN_MS), the event-loop delay (INTAKE_MAX_LOOP_DELAY_MS) and utilization
 * (INTAKE_MAX_LOOP_UTILIZATION); and overall, deliveries stored but not yet imported (INTAKE_MAX_BACKLOG). Spread
 * `onRequest` into a route's options; routes listed in `early` are admitted or refused before routing (see
 * shedBeforeRouting). Shed counts, the limit and the queue depth are in /metrics.
 */
export function intakeBackpressure(
  app: FastifyInstance,
  o: { route: string; queue?: () => IntakeQueue; /** URL prefixes (after the plugin's prefix) decided before routing. */ early?: string[] },
): IntakeGate {
  const c = app.config;
  let inflight = 0;
  const admission =
    c.INTAKE_ADMIT_TARGET_MS > 0
      ? new AdmissionLimit({ targetMs: c.INTAKE_ADMIT_TARGET_MS, min: c.INTAKE_MIN_INFLIGHT, max: c.INTAKE_MAX_INFLIGHT })
      : undefined;
  // How long a refused client should stay away (api/plugins/retry-after.ts).
  const retryAfter = new RetryAfter();
  const retryAfterS = () => retryAfter.seconds();
  const backlog = backlogReader(app, c.INTAKE_MAX_BACKLOG);
  const lag = loopDelay(app);
  // The turn clock's 5 ms interval runs only where the turn gate is on.
  const clock = c.INTAKE_MAX_TURN_MS > 0 ? loopTurn(app) : undefined;
  gates.set(o.route, {
    inflight: () => inflight,
    limit: () => admission?.limit() ?? c.INTAKE_MAX_INFLIGHT,
    queue: o.queue,
    backlog: () => backlog.n,
    retryAfterS,
  });

  const detail = (why: string, retry: number, stored: boolean) =>
    stored
      ? `Intake is over capacity (${why}); the delivery may have been stored: retry after ${retry} s with the same id, a stored one is recognized`
      : `Intake is over capacity (${why}); nothing was stored, retry after ${retry} s`;
  const counted = (reason: ShedReason) => {
    countShed(o.route, reason);
    retryAfter.refused();
  };
  const refuse = (req: FastifyRequest, reply: FastifyReply, reason: ShedReason, retry: number, why: string, stored = false) => {
    counted(reason);
    reply.header('retry-after', String(retry));
    return sendProblem(reply, req, {
      type: 'intake-over-capacity',
      title: 'Service unavailable',
      status: 503,
      detail: detail(why, retry, stored),
      errors: [],
      reason,
    });
  };

  /** Why this process should refuse intake right now, from in-memory state only; undefined when it has room. */
  const over = (): [ShedReason, number, string] | undefined => {
    if (inflight >= c.INTAKE_MAX_INFLIGHT) return ['inflight', retryAfterS(), `${inflight} intake requests in flight on this node`];
    const held = clock?.heldMs(c.INTAKE_MAX_TURN_MS) ?? 0;
    if (clock && held >= c.INTAKE_MAX_TURN_MS)
      return ['turn', retryAfterS(), `this node's event loop has been busy ${Math.round(held)} ms without a break`];
    const q = o.queue?.();
    // The adaptive limit counts what is in the process's own hands: a delivery waiting for the database is the queue
    // gate's business below, and counting it too would cut the limit whenever the database is slow, which cuts the
    // throughput the limit is computed from (it fell to its floor in a loaded run and refused 96 % at 2,000/s).
    const edge = Math.max(0, inflight - (q?.depth ?? 0));
    if (admission && !admission.admits(edge))
      return ['limit', retryAfterS(), `${edge} intake requests in this node's hands, what it answers in ${c.INTAKE_ADMIT_TARGET_MS} ms`];
    if (c.INTAKE_MAX_STALL_MS > 0 && q?.stalledMs !== undefined && q.stalledMs >= c.INTAKE_MAX_STALL_MS)
      return ['stall', retryAfterS(), `no database write started for ${Math.round(q.stalledMs)} ms`];
    if (q && q.waitMs >= c.INTAKE_MAX_QUEUE_MS)
      return ['queue', retryAfterS(), `${q.depth} deliveries waiting ${Math.round(q.waitMs)} ms for the database`];
    if (lag.ms >= c.INTAKE_MAX_LOOP_DELAY_MS) return ['loop', retryAfterS(), `this node is ${Math.round(lag.ms)} ms behind`];
    if (c.INTAKE_MAX_LOOP_UTILIZATION < 1 && lag.busy >= c.INTAKE_MAX_LOOP_UTILIZATION)
      return ['busy', retryAfterS(), `this node is busy ${Math.round(lag.busy * 100)} % of the time`];
    if (backlog.n >= c.INTAKE_MAX_BACKLOG) return ['backlog', 5, `${backlog.n} deliveries waiting to be imported`];
    return undefined;
  };
  /** Counts an admitted request in flight until its response is sent or its client goes away ('close' fires once). */
  const admit = (res: ServerResponse) => {
    inflight++;
    retryAfter.admitted();
    res.once('close', () => {
      inflight--;
      admission?.completed();
    });
  };
  const onRequest: onRequestHookHandler = (req, reply, done) => {
    if ((req.raw as Marked)[ADMITTED]) return done();
    const refused = over();
    if (refused) {
      refuse(req, reply, ...refused);
      return;
    }
    admit(reply.raw);
    done();
  };
  const early = o.early?.length ? earlyGates.get(app.server) : undefined;
  if (early && o.early) {
    const list = early.gates;
    // Everything of an early 503 that does not depend on the request, serialized once.
    const headers = { ...early.headers, 'content-type': 'application/problem+json; charset=utf-8' };
    const bodyStart = `{"type":${JSON.stringify(`${PROBLEM_BASE}intake-over-capacity`)},"title":"Service unavailable","status":503,"detail":`;
    const entry: EarlyGate = {
      prefixes: o.early.map((p) => `${app.prefix}${p}`),
      admit: (req, res) => {
        const refused = over();
        if (!refused) {
          admit(res);
          (req as Marked)[ADMITTED] = true;
          return true;
        }
        const [reason, retry, why] = refused;
        counted(reason);
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && given.length <= 64 ? given : randomUUID();
        // The same problem+json sendProblem writes, in the same key order, without serializing an object per refusal.
        const body = `${bodyStart}${JSON.stringify(detail(why, retry, false))},"errors":[],"reason":"${reason}","instance":${JSON.stringify(req.url)},"requestId":${JSON.stringify(requestId)}}`;
        res.writeHead(503, {
          ...headers,
          'content-length': Buffer.byteLength(body),
          'retry-after': String(retry),
          'x-request-id': requestId,
        });
        res.end(body);
        return false;
      },
    };
    list.push(entry);
    app.addHook('onClose', async () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    });
  }
  return {
    onRequest,
    late: (req, reply, mayComplete) =>
      mayComplete
        ? refuse(req, reply, 'deadline', retryAfterS(), `not stored within ${c.INTAKE_ACK_DEADLINE_MS} ms`, true)
        : refuse(req, reply, 'deadline_queued', retryAfterS(), `no database writer free within ${c.INTAKE_ACK_DEADLINE_MS} ms`),
  };
}
