import { z, ZodError } from 'zod';
import { ordersSettings, type OrdersSettings } from '../domain/orders/orders.settings.js';

const DEV_JWT_SECRET = 'dockside-dev-only-jwt-secret-change-me-0123456789';
const DEV_SECRETS_KEY = 'ZG9ja3NpZGUtZGV2LW9ubHktc2VjcmV0cy1rZXktMzI='; // 32 bytes, base64; dev only

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every environment variable the system reads, with local defaults. One place, validated at start. */
export const envSchema = z
  .object({
    /**
     * Unset means production: development values (public JWT secret, demo data, http/loopback callbacks, open docs)
     * are used only when NODE_ENV says development or test explicitly (`npm start` and `npm test` set it).
     */
    NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    /**
     * Connections the kernel holds completed but not yet accepted (listen(2) backlog; Linux caps it at
     * net.core.somaxconn). Node's 511 overflows when a busy loop falls behind on accepting while clients open
     * connections: the kernel then drops the handshake and the client retransmits after 1 s, 3 s, 7 s …, so a request
     * the intake gate would have answered in microseconds arrives seconds late.
     */
    LISTEN_BACKLOG: z.coerce.number().int().min(1).default(4096),
    PUBLIC_URL: z.string().url().optional(),
    DATABASE_URL: z.string().url().default('postgres://root@127.0.0.1:5432/dockside'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    /** Prefix for every Redis key (BullMQ queues, socket channels, rate limits): lets tests and tenants share one Redis. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9:_-]*$/)
      .default('dockside'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_ISSUER: z.string().default('dockside'),
    JWT_AUDIENCE: z.string().default('dockside-api'),
    ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).max(86400).default(900),
    REFRESH_TOKEN_TTL_S: z.coerce
      .number()
      .int()
      .min(300)
      .default(30 * 86400),
    /** A refresh retried within this many seconds (lost response) gets the same new refresh token; 0 = no grace. */
    REFRESH_GRACE_S: z.coerce.number().int().min(0).max(300).default(30),
    /** Redis must not evict (BullMQ keys would vanish silently); set to false only for a managed Redis that hides CONFIG. */
    REDIS_REQUIRE_NOEVICTION: bool.default(true),
    /** How often the worker-side reconciler rebuilds lost Redis work from Postgres (it also runs at start and on a wipe). */
    RECONCILER_EVERY_MS: z.coerce.number().int().min(200).default(30_000),
    /** Failed attempts before a job is parked in the dead-letter table. */
    JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** Intake backpressure: above this many storefront deliveries waiting to be imported, intake answers 503. */
    INTAKE_MAX_BACKLOG: z.coerce.number().int().min(1).default(50_000),
    /** Intake backpressure: concurrent intake requests per API process beyond which intake answers 503. */
    INTAKE_MAX_INFLIGHT: z.coerce.number().int().min(1).default(256),
    /**
     * Intake backpressure, the adaptive limit (api/plugins/admission-limit.ts): an API process holds at most what it
     * finished per ms over the last second times this many ms in flight (the answer time it plans for), at least
     * INTAKE_MIN_INFLIGHT and at most INTAKE_MAX_INFLIGHT; beyond that, intake answers 503 before reading the body.
     * 0 (the default) turns it off: it is not yet measured on a quiet machine against the 2,000/s figure (every webhook
     * accepted at the first attempt), which a limit can only lower; 50 is the value it was built and tested with.
     */
    INTAKE_ADMIT_TARGET_MS: z.coerce.number().int().min(0).default(0),
    INTAKE_MIN_INFLIGHT: z.coerce.number().int().min(1).default(32),
    /** Intake backpressure: deliveries waiting this long for a database writer throughout 100 ms (a standing queue) → 503. */
    INTAKE_MAX_QUEUE_MS: z.coerce.number().int().min(1).default(25),
    /**
     * Intake backpressure: event-loop delay sustained over 200 ms beyond which this process sheds intake (503). Every
     * answer waits about this long once the gate holds the loop there. 25 ms (with a 0.9 utilization signal) shed from
     * 270 webhooks/s on in a quiet intake-ack run (105k of 120k refused at 2,000/s), so the default stays 100 ms.
     */
    INTAKE_MAX_LOOP_DELAY_MS: z.coerce.number().int().min(1).default(100),
    /**
     * Intake backpressure: share of the last 100 ms the event loop was busy beyond which this process sheds intake; 1 = never
     * (the default: at 0.9 it refused most webhooks far below the knee on a quiet 2-core machine).
     */
    INTAKE_MAX_LOOP_UTILIZATION: z.coerce.number().min(0.1).max(1).default(1),
    /**
     * Intake backpressure, per loop turn: once the event loop has worked this long (CPU time) without reaching its timers
     * (one long turn: a poll phase reading hundreds of ready sockets, a batch of answers, a GC pause), the intake requests
     * still read in that turn are refused on arrival (reason `turn`). Every request read late in a long turn has waited about
     * that long already; admitting more of them only makes the turn, and every answer in it, a refusal included, longer.
     * 0 turns it off. 20 ms is the value for the 50 ms 503 goal. Quiet pair, same code (load 0.6–1.7): with it, the
     * 200 → 6,000/s ramp refused 230 webhooks with a 503 p99 of 54 ms, against 1,242 at 190 ms without; the cost is 77
     * `turn` refusals of the 120,000 of a 2,000/s minute (0.06 %, each acknowledged on its retry) against none.
     */
    INTAKE_MAX_TURN_MS: z.coerce.number().int().min(0).default(20),
    /**
     * Intake backpressure: the oldest delivery has waited this long for a database writer with no batch started since it
     * arrived (every writer stuck in its insert) → refused on arrival (reason `stall`), without waiting for the standing
     * queue's 100 ms window to fill with long waits. What is admitted during a stall waits for it, up to the ack deadline.
     * 0 (the default) turns it off: at 50 ms it refused 51k of a loaded intake-ack run's 2,000/s (load 12–14, the
     * database stalling throughout) on top of the other gates, and the retries cost more than the stall; on a quiet
     * machine there were no ack-deadline 503s for it to prevent.
     */
    INTAKE_MAX_STALL_MS: z.coerce.number().int().min(0).default(0),
    /** An accepted webhook not confirmed stored within this long is answered 503 anyway (the storefront's retry is deduplicated). */
    INTAKE_ACK_DEADLINE_MS: z.coerce.number().int().min(50).default(1000),
    /** Concurrent multi-row inserts of the webhook edge's group commit (each batch is one insert of whatever waited); all but one stand by until the inserts in flight are stuck. */
    INTAKE_WRITERS: z.coerce.number().int().min(1).max(16).default(2),
    /** AES-256-GCM key (base64 of 32 bytes) for secrets at rest, e.g. storefront webhook secrets. */
    SECRETS_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes')
      .optional(),
    /**
     * Comma list of origins allowed to call the API from a browser (credentials allowed for these only).
     * `*` allows any origin without credentials; unset: `*` in development/test, none otherwise.
     */
    CORS_ORIGINS: z.string().optional(),
    /** Comma list of proxy CIDRs whose X-Forwarded-For is believed; unset: none (the socket address is the client). */
    TRUST_PROXY: z
      .string()
      .refine((v) => v.split(',').every((c) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(c.trim())), 'must be a comma list of IPs or CIDRs')
      .optional(),
    /** Serve /docs and /openapi.json; unset: on in development/test, off otherwise. */
    DOCS_ENABLED: bool.optional(),
    /** Bearer token a scraper sends to GET /metrics; unset: open in development/test, loopback callers only otherwise. */
    METRICS_TOKEN: z.string().min(16).optional(),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    AUTH_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(30),
    /**
     * Requests per minute per signed-in user or API client on every authenticated route; default 6000 (100/s), and
     * 100 000 in development/test where load scenarios drive one account hard.
     */
    API_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).optional(),
    /** Storefront webhook deliveries per minute per connector (defaults as above). */
    WEBHOOK_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).optional(),
    /** Password/PIN hashes (scrypt, ~128 MiB each) run at once, and how many may wait; more answer 503. */
    HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    HASH_QUEUE: z.coerce.number().int().min(0).default(16),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Load the demo data set (fixed logins such as admin/admin): development only, on there unless set false. */
    DEMO_DATA: bool.optional(),
    /** Longest a single SQL statement may run (ms; 0 = no limit): one request cannot hold a connection forever. */
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    /** Longest a client may take to send a whole request (ms): slow-drip clients are cut off. */
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
    /** Events replayed to a reconnecting socket per warehouse; past it the client gets `resync` and reloads. */
    SOCKET_REPLAY_MAX: z.coerce.number().int().min(1).default(5000),
    /** Relayed outbox rows older than this are pruned by the sweep (seconds; default 7 days). */
    OUTBOX_RETENTION_S: z.coerce
      .number()
      .int()
      .min(3600)
      .default(7 * 86400),
    RELAY_POLL_MS: z.coerce.number().int().min(10).default(50),
    TASK_LEASE_S: z.coerce.number().int().min(5).default(300),
    /** Base URL of a local OSRM for road distances (route planning); great-circle × road factor when unset. */
    OSRM_URL: z.string().url().optional(),
    /**
     * European postal-code centroids (`country,postal,lat,lng`, built by scripts/build-postal-centroids.ts from GeoNames,
     * CC BY 4.0): lets the own fleet place addresses the storefront did not geocode. Unset: only US/CA codes resolve.
     */
    POSTAL_CENTROIDS_FILE: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'development' && env.DEMO_DATA)
      ctx.addIssue({ code: 'custom', path: ['DEMO_DATA'], message: 'demo data loads only with NODE_ENV=development' });
    if (isLocal(env.NODE_ENV)) return;
    const must = (path: 'JWT_SECRET' | 'SECRETS_KEY', dev: string) => {
      if (!env[path] || env[path] === dev)
        ctx.addIssue({ code: 'custom', path: [path], message: `must be set to a real secret (NODE_ENV=${env.NODE_ENV})` });
    };
    must('JWT_SECRET', DEV_JWT_SECRET);
    must('SECRETS_KEY', DEV_SECRETS_KEY);
    if (env.CORS_ORIGINS?.split(',').some((o) => o.trim() === '*'))
      ctx.addIssue({ code: 'custom', path: ['CORS_ORIGINS'], message: 'list the allowed origins; * is for development' });
  })
  .transform((env) => {
    const local = isLocal(env.NODE_ENV);
    return {
      ...env,
      JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET,
      SECRETS_KEY: env.SECRETS_KEY ?? DEV_SECRETS_KEY,
      CORS_ORIGINS: env.CORS_ORIGINS ?? (local ? '*' : ''),
      TRUST_PROXY: env.TRUST_PROXY ?? '',
      API_RATE_LIMIT_PER_MIN: env.API_RATE_LIMIT_PER_MIN ?? (local ? 100_000 : 6000),
      WEBHOOK_RATE_LIMIT_PER_MIN: env.WEBHOOK_RATE_LIMIT_PER_MIN ?? (local ? 100_000 : 6000),
      DOCS_ENABLED: env.DOCS_ENABLED ?? local,
      DEMO_DATA: env.DEMO_DATA ?? env.NODE_ENV === 'development',
    };
  });

/** Development and test are the only environments where development values may be used. */
function isLocal(nodeEnv: string): boolean {
  return nodeEnv === 'development' || nodeEnv === 'test';
}

/** The environment, parsed once at start; context tunables ride along (`orders`) so nothing else reads process.env. */
export type Config = z.output<typeof envSchema> & { orders: OrdersSettings };

export class ConfigError extends Error {}

/** Parses the environment; throws one error that names every missing or invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, string>> = {}): Config {
  const source: Record<string, string | undefined> = { ...env, ...overrides };
  for (const k of Object.keys(source)) if (source[k] === '') source[k] = undefined;
  const parsed = envSchema.safeParse(source);
  const issues = parsed.success ? [] : [...parsed.error.issues];
  // Context tunables (domain/orders/orders.settings.ts) are parsed and validated here, once, with the rest. They
  // come from the process environment under the given one (as when each site read process.env itself), so a
  // caller passing a partial env (tests, tools) still gets the process's OUTBOUND_* / RECONCILE_* settings.
  let orders: OrdersSettings | undefined;
  try {
    orders = ordersSettings({ ...process.env, ...source });
  } catch (err) {
    if (err instanceof ZodError) issues.push(...err.issues);
    else throw err;
  }
  if (parsed.success && orders && issues.length === 0) return { ...parsed.data, orders };
  const lines = issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
