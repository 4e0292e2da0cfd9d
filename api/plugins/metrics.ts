import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueRegistry } from '../../platform/queues.js';

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

/** Prometheus metrics: HTTP latency, queue depths (read at scrape), socket connections. */
export function registerMetrics(app: FastifyInstance, queues: QueueRegistry): void {
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
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    reply.type(metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
}
