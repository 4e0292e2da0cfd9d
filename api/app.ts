import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { rateLimitStore } from './plugins/rate-limit-store.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { QueueRegistry } from '../platform/queues.js';
import { systemClock, type Clock } from '../domain/shared/clock.js';
import { clientErrorHandler, frameworkErrors, problemErrorHandler, sendProblem } from './problem.js';
import { authorize } from './auth/guard.js';
import { registerUserState } from './auth/user-state.js';
import { hashGate } from '../domain/identity/hash-gate.js';
import { jwtSettings, type JwtSettings } from './auth/jwt.js';
import { attachIdempotency } from './plugins/idempotency.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerMetrics } from './plugins/metrics.js';
import { shedBeforeRouting } from './plugins/backpressure.js';
import { healthRoutes } from './routes/health.routes.js';
import { routes } from './routes/index.js';
import { socketKey } from '../platform/socket-emitter.js';
import { Telemetry } from './socket/telemetry.js';
import { PositionPings } from './position-pings.js';

declare module 'fastify' {
  interface FastifyInstance {
    orm: Orm;
    redis: Redis;
    config: Config;
    jwt: JwtSettings;
    clock: Clock;
    queues: QueueRegistry;
    /** Every route as registered (method, url, config): the security matrix and inventory tests read it. */
    routeTable: RegisteredRoute[];
    /** Live messages that skip the outbox (driver positions); `startApi` attaches the Socket.IO server. */
    telemetry: Telemetry;
    /** Driver position pings (HTTP route and the driver's socket share its cache and store batches). */
    positions: PositionPings;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  config: Record<string, unknown>;
  hidden: boolean;
}

export interface AppDeps {
  config: Config;
  orm: Orm;
  redis: Redis;
  queues: QueueRegistry;
  logger: Logger;
  clock?: Clock;
}

/** Where the storefront webhook routes live (api/routes/webhooks.routes.ts, under the /v1 prefix). */
const WEBHOOK_PREFIX = '/v1/webhooks/';
const consoleDist = fileURLToPath(new URL('../web-console/dist/', import.meta.url));

/** Builds the HTTP API (no listen). Socket.IO is attached by api/server.ts. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    genReqId: (req) =>
      typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].length <= 64
        ? req.headers['x-request-id']
        : randomUUID(),
    // X-Forwarded-For is believed only from the configured proxies; otherwise the socket address is the client
    // (rotating the header must not escape the per-IP login limit).
    frameworkErrors,
    clientErrorHandler,
    trustProxy: config.TRUST_PROXY ? config.TRUST_PROXY.split(',').map((c) => c.trim()) : false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('orm', deps.orm);
  app.decorate('redis', deps.redis);
  app.decorate('config', config);
  app.decorate('jwt', jwtSettings(config));
  app.decorate('clock', deps.clock ?? systemClock);
  app.decorate('queues', deps.queues);
  app.decorate('telemetry', new Telemetry(deps.redis, socketKey(config.REDIS_PREFIX)));
  const positions = new PositionPings(app);
  app.decorate('positions', positions);
  app.addHook('onReady', async () => positions.start());
  app.addHook('onClose', async () => positions.stop());
  await registerUserState(app, deps.orm, deps.redis, config.REDIS_PREFIX);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, req, {
      type: 'not-found',
      title: 'Not found',
      status: 404,
      detail: `No route ${req.method} ${req.url.split('?')[0]}`,
      errors: [],
    }),
  );
  // A plain hook, not an async one: no promise and no extra microtask per answer.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    done(null, payload);
  });
  // Routes that declare `config.idempotency` (or spread `idempotent()`) get the shared Idempotency-Key handling.
  app.addHook('onRoute', attachIdempotency);
  app.decorate('routeTable', [] as RegisteredRoute[]);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) {
      if (m === 'HEAD') continue;
      app.routeTable.push({
        method: m,
        url: r.url,
        config: (r.config ?? {}) as Record<string, unknown>,
        hidden: !!(r.schema as { hide?: boolean } | undefined)?.hide,
      });
    }
  });

  const headers = registerSecurityHeaders(
    app,
    {
      // The API answers JSON; the console and Swagger UI are same-origin pages with inline bootstrap code.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          workerSrc: ["'self'", 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
        },
      },
      crossOriginEmbedderPolicy: false,
      hsts: { maxAge: 31_536_000, includeSubDomains: true },
    },
    // Storefront webhooks are machine-to-machine JSON: an API's headers, not a page's (security-headers.ts).
    { prefixes: [WEBHOOK_PREFIX] },
  );
  // Intake routes refuse over capacity before Fastify builds a request (api/plugins/backpressure.ts).
  shedBeforeRouting(app.server, headers.machine);
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  // `*` answers any origin without credentials; credentials only ever go with an explicit allow-list.
  await app.register(
    cors,
    origins.includes('*') ? { origin: '*', credentials: false } : { origin: origins.length ? origins : false, credentials: true },
  );
  hashGate.concurrency = config.HASH_CONCURRENCY;
  hashGate.queue = config.HASH_QUEUE;
  // Every route is limited per caller: the signed-in user or API client once authorize() has run (instance hooks run
  // before the route-level hook this plugin adds), else the client IP. Public routes without a limit of their own
  // (health, metrics, docs, console files) are exempt; login and webhooks set theirs.
  await app.register(rateLimit, {
    global: true,
    max: config.API_RATE_LIMIT_PER_MIN,
    timeWindow: '1 minute',
    // The per-caller budget is counted in memory and added to the shared Redis window every 100 ms (rate-limit-store.ts):
    // a handheld's claim or scan-confirm waited for a Redis script before its first query, on a Redis that the
    // relay's emits and the queues share (issue 19, goal 3). Exact within a process; across processes a caller can
    // get past it by what the other processes admit in one interval. Login keeps the plugin's exact store.
    store: rateLimitStore(
      deps.redis,
      `${config.REDIS_PREFIX}:rl:`,
      (err) => app.log.warn({ err }, 'rate-limit counts not added to Redis'),
      {
        globalBatchMs: 100,
      },
    ),
    keyGenerator: (req) => (req.actor ? `${req.actor.kind}:${req.actor.id}` : `ip:${req.ip}`),
    allowList: (req) => !!req.routeOptions.config.public && !req.routeOptions.config.rateLimit,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Dockside API',
        version: '0.1.0',
        description: 'Warehouse and delivery operations. Errors are application/problem+json (RFC 9457).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  if (config.DOCS_ENABLED) {
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  }

  registerMetrics(app, deps.queues, config);
  await app.register(healthRoutes);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', authorize);
      for (const r of routes) await v1.register(r);
    },
    { prefix: '/v1' },
  );

  if (existsSync(consoleDist)) {
    await app.register(fastifyStatic, { root: consoleDist, prefix: '/console/', decorateReply: false });
    app.get('/', { config: { public: true }, schema: { hide: true } }, (_req, reply) => reply.redirect('/console/'));
  }
  return app;
}
