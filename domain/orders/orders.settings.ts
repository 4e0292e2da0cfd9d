import { z } from 'zod';

/**
 * Tunables of the orders area read from the environment (retry schedule, SSRF allow-list, sweeps).
 * Kept here rather than in platform/config.ts so tests can shorten the backoff; parse once at the edge.
 */
const settingsSchema = z.object({
  // No default: loopback targets and http callbacks are opened only when development or test is said explicitly.
  NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
  OUTBOUND_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  OUTBOUND_BACKOFF_MAX_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(4 * 3600_000),
  /** After this long since the first attempt a delivery is dead-lettered (48 h). */
  OUTBOUND_RETRY_WINDOW_S: z.coerce
    .number()
    .int()
    .min(1)
    .default(48 * 3600),
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Largest storefront/receiver response read (bytes); past it the call fails while reading, nothing more is buffered. */
  OUTBOUND_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Comma list of CIDRs that outbound calls may reach although private; default: loopback outside production. */
  OUTBOUND_ALLOW_PRIVATE: z.string().optional(),
  RECONCILE_EVERY_MS: z.coerce.number().int().min(100).default(30_000),
  /** How often the outbox is fanned out to webhook subscriptions. */
  DISPATCH_EVERY_MS: z.coerce.number().int().min(50).default(1_000),
  /** A delivery/order untouched this long is assumed to have lost its job and is re-enqueued. */
  INTAKE_STALE_MS: z.coerce.number().int().min(100).default(15_000),
  /** Deliveries one batch-intake transaction claims and imports (set-based SQL; issue 19). */
  INTAKE_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(250),
  /** Batch-intake loops per worker process draining stored deliveries side by side (SKIP LOCKED); 0 = jobs only. */
  INTAKE_BATCH_LOOPS: z.coerce.number().int().min(0).max(16).default(2),
  /** Previous SECRETS_KEY values (comma list, base64), still accepted for decryption after rotation. */
  SECRETS_KEYS_PREVIOUS: z.string().default(''),
  IDEMPOTENCY_TTL_S: z.coerce.number().int().min(86_400).default(86_400),
  /** Customer personal data of orders finished this many days ago is redacted by the privacy purge. */
  PII_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Raw storefront payloads (webhook bodies, intake dead letters) are blanked after this many days. */
  RAW_PAYLOAD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often the privacy purge runs. */
  PRIVACY_PURGE_EVERY_MS: z.coerce.number().int().min(1000).default(3_600_000),
});

export interface OrdersSettings {
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryWindowS: number;
  timeoutMs: number;
  maxResponseBytes: number;
  /** http: callbacks/polls allowed: only with NODE_ENV development or test. */
  allowHttp: boolean;
  allowPrivate: string[];
  reconcileEveryMs: number;
  dispatchEveryMs: number;
  intakeStaleMs: number;
  intakeBatchSize: number;
  intakeBatchLoops: number;
  previousSecretKeys: string[];
  idempotencyTtlS: number;
  piiRetentionDays: number;
  rawPayloadRetentionDays: number;
  privacyPurgeEveryMs: number;
}

/** Parses the orders tunables from an environment object. */
export function ordersSettings(env: Record<string, string | undefined>): OrdersSettings {
  const e = settingsSchema.parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  const list = (s: string | undefined) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const local = e.NODE_ENV === 'development' || e.NODE_ENV === 'test';
  return {
    backoffBaseMs: e.OUTBOUND_BACKOFF_BASE_MS,
    backoffMaxMs: e.OUTBOUND_BACKOFF_MAX_MS,
    retryWindowS: e.OUTBOUND_RETRY_WINDOW_S,
    timeoutMs: e.OUTBOUND_TIMEOUT_MS,
    maxResponseBytes: e.OUTBOUND_MAX_RESPONSE_BYTES,
    allowHttp: local,
    allowPrivate: e.OUTBOUND_ALLOW_PRIVATE !== undefined ? list(e.OUTBOUND_ALLOW_PRIVATE) : local ? ['127.0.0.0/8', '::1/128'] : [],
    reconcileEveryMs: e.RECONCILE_EVERY_MS,
    dispatchEveryMs: e.DISPATCH_EVERY_MS,
    intakeStaleMs: e.INTAKE_STALE_MS,
    intakeBatchSize: e.INTAKE_BATCH_SIZE,
    intakeBatchLoops: e.INTAKE_BATCH_LOOPS,
    previousSecretKeys: list(e.SECRETS_KEYS_PREVIOUS),
    idempotencyTtlS: e.IDEMPOTENCY_TTL_S,
    piiRetentionDays: e.PII_RETENTION_DAYS,
    rawPayloadRetentionDays: e.RAW_PAYLOAD_RETENTION_DAYS,
    privacyPurgeEveryMs: e.PRIVACY_PURGE_EVERY_MS,
  };
}

/**
 * Delay before retry number `attempt` (1-based): exponential with "equal jitter"
 * (AWS Architecture Blog, "Exponential Backoff and Jitter", Brooker 2015) — uniform in [base·2^(n-1)/2, base·2^(n-1)],
 * capped; `u` in [0,1) is the caller's random draw (keeps this pure).
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, u: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * u);
}
