import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pingDb } from '../../platform/db.js';
import { pingRedis } from '../../platform/redis.js';

const healthBody = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.enum(['ok', 'down'])).optional() });

export async function healthRoutes(app: FastifyInstance) {
  app.get('/health/live', { config: { public: true }, schema: { tags: ['health'], response: { 200: healthBody } } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/health/ready',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: healthBody, 503: healthBody } } },
    async (_req, reply) => {
      const [db, redis] = await Promise.all([pingDb(app.orm), pingRedis(app.redis)]);
      const checks = { postgres: db ? 'ok' : 'down', redis: redis ? 'ok' : 'down' } as const;
      const ok = db && redis;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
}
