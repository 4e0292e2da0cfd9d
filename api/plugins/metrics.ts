import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { timingSafeEqual } from 'node:crypto';
import { NotFound } from '../../domain/shared/errors.js';
import type { Config } from '../../platform/config.js';
import { parkedCount, repairTotals } from '../../domain/events/dead-letter.js';
import type { QueueRegistry } from '../../platform/queues.js';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.'));
}

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});
export const socketConnections = new Gauge({
  name: 'socket_connections',
  help: 'Connected Socket.IO clients on this process',
  registers: [metricsRegistry],
});
export const socketEventsSent = new Counter({
  name: 'socket_catchup_events_total',
  help: 'Events replayed to reconnecting clients',
  registers: [metricsRegistry],
});

/** Prometheus metrics: HTTP latency, queue depths and oldest job age (read at scrape), DLQ size, reconciler repairs, socket connections. */
export function registerMetrics(app: FastifyInstance, queues: QueueRegistry, config: Pick<Config, 'METRICS_TOKEN' | 'NODE_ENV'>): void {
  // One registry per process: a second app in the same process (tests) takes over the queue gauge.
  for (const name of ['queue_jobs', 'queue_oldest_waiting_age_seconds', 'dead_letters_parked', 'reconciler_repairs_total'])
    metricsRegistry.removeSingleMetric(name);
  const queueDepth = new Gauge({
    name: 'queue_jobs',
    help: 'BullMQ jobs by queue and state',
    labelNames: ['queue', 'state'],
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const [name, q] of queues.all()) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
      }
    },
  });
  void queueDepth;
  new Gauge({
    name: 'queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job waiting in each BullMQ queue (0 when none wait)',
    labelNames: ['queue'],
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const [name, q] of queues.all()) {
        const [oldest] = await q.getJobs(['wait'], 0, 0, true);
        this.set({ queue: name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'dead_letters_parked',
    help: 'Jobs parked in the dead-letter store awaiting an admin (GET /v1/dead-letters)',
    registers: [metricsRegistry],
    async collect() {
      this.set(await parkedCount(app.orm.em.fork()));
    },
  });
  new Gauge({
    name: 'reconciler_repairs_total',
    help: 'Work the reconciler rebuilt from Postgres after Redis lost it, by kind (running total)',
    labelNames: ['kind'],
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const r of await repairTotals(app.orm.em.fork())) this.set({ kind: r.kind }, r.total);
    },
  });
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });
  const local = config.NODE_ENV === 'development' || config.NODE_ENV === 'test';
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    // Gated: a scrape token when configured; otherwise open in development/test and loopback-only elsewhere.
    const allowed = config.METRICS_TOKEN
      ? safeEqual(req.headers.authorization ?? '', `Bearer ${config.METRICS_TOKEN}`)
      : local || isLoopback(req.socket.remoteAddress);
    if (!allowed) throw new NotFound('Route', 'GET /metrics');
    reply.type(metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
}
