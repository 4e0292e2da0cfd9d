import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../domain/identity/audit.js';
import { getConnectorRow, webhookSecretOf, type ConnectorRow } from '../../domain/orders/connector.service.js';
import { verifyBase64Hmac } from '../../domain/orders/hmac.js';
import { applyComplianceWebhook, isComplianceTopic } from '../../domain/orders/privacy.service.js';
import { withTx } from '../../platform/db.js';
import { GroupCommit, GroupCommitExpired } from '../../platform/group-commit.js';
import { checkDeliveryBody, topicAction } from '../../domain/orders/delivery-body.js';
import {
  recordDeadLetter,
  recordDeliveries,
  recordDelivery,
  type DeliveryToStore,
  type StoredDelivery,
} from '../../domain/orders/intake.service.js';
import { keyRing } from '../../domain/orders/secret-box.js';
import { BadRequest, DomainError, NotFound, Unauthorized } from '../../domain/shared/errors.js';
import { intakeBackpressure } from '../plugins/backpressure.js';
import { ImportJobs } from '../import-jobs.js';
import { plainJsonSerializer } from '../plain-json.js';
import { problemSchema } from '../problem.schema.js';

const CACHE_MS = 5_000;
/** Fewer than INTAKE_BATCH_SIZE stored deliveries get their import job this long after the first (the loops poll too). */
const IMPORT_JOB_EVERY_MS = 50;
/** Stored deliveries answered per loop turn (GroupCommit settleSlice): at ~100 µs an answer, about 5 ms of loop. */
const SETTLE_SLICE = 50;
/**
 * The second writer stands by until deliveries have waited this long with no insert started (the first one stuck):
 * otherwise it would start beside the first at every arrival, and the same deliveries would go in twice as many
 * inserts and commits (at 2,000/s on the bench machine: 10 % more API CPU and 19 % more Postgres CPU than one writer).
 */
const STANDBY_WRITER_MS = 10;
export const ackView = z.object({
  ok: z.boolean(),
  duplicate: z.boolean().optional(),
  ignored: z.string().optional(),
  ping: z.boolean().optional(),
  deliveryId: z.string().optional(),
});

/**
 * Storefront webhooks in. The raw bytes are kept (a content-type parser scoped to this plugin only) because the
 * HMAC is over the exact body: verify in constant time first, parse after. A verified delivery is stored once
 * (unique connector + delivery id) and acknowledged; the webhook-intake worker does the import. The inserts are a
 * group commit: whatever arrives while a batch is being written goes in the next one, one multi-row insert, so the
 * acknowledgement costs a share of an insert instead of a transaction; one import job per INTAKE_BATCH_SIZE of them.
 */
export async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const ring = keyRing(app.config.SECRETS_KEY, app.config.orders.previousSecretKeys);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Decrypted secrets are cached briefly, as promises: a cold or expired entry costs one query however many wait on it.
  type Cached = { row: ConnectorRow; secret: string } | undefined;
  const cache = new Map<string, { p: Promise<Cached>; at: number }>();
  function connector(id: string): Promise<Cached> {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.p;
    const p = z.uuid().safeParse(id).success
      ? getConnectorRow(app.orm.em.fork(), id).then((row) => (row ? { row, secret: webhookSecretOf(ring, row) } : undefined))
      : Promise.resolve(undefined);
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { p, at: Date.now() });
    p.catch(() => cache.delete(id));
    return p;
  }

  // Over capacity: 503 + Retry-After before the body is even checked (storefronts retry; nothing half-written).
  // The rows are durable once the insert commits, so the acknowledgement does not wait for Redis: a lost enqueue is
  // repaired by the intake-batch loops and the reconciliation sweep (see api/import-jobs.ts).
  const jobs = new ImportJobs(
    (deliveryId) =>
      void app.queues
        .add('webhook-intake', { deliveryId }, { jobId: `wh-${deliveryId}` })
        .catch((err: unknown) => app.log.warn({ err, deliveryId }, 'enqueue failed; the sweep will pick the deliveries up')),
    app.config.orders.intakeBatchSize,
    IMPORT_JOB_EVERY_MS,
  );
  // One fork for every insert: they are raw SQL outside any transaction, so nothing enters its identity map, and a
  // fork per batch was 4 % of the loop's busy time at 2,000 webhooks/s.
  const writerEm = app.orm.em.fork();
  const deliveries = new GroupCommit<DeliveryToStore, StoredDelivery>(
    async (batch) => {
      const stored = await recordDeliveries(writerEm, batch);
      jobs.stored(stored.filter((d) => d.inserted).map((d) => d.id));
      return stored;
    },
    // A delivery not stored within the ack deadline is answered 503 (one sweep for all, see GroupCommit.expire).
    // Answers go out SETTLE_SLICE per loop turn, so a full batch does not hold arrivals (refusals included) behind it.
    {
      maxBatch: 500,
      concurrency: app.config.INTAKE_WRITERS,
      standbyMs: STANDBY_WRITER_MS,
      deadlineMs: app.config.INTAKE_ACK_DEADLINE_MS,
      settleSlice: SETTLE_SLICE,
    },
  );
  app.addHook('onClose', async () => {
    await deliveries.close();
    jobs.flush();
  });
  const gate = intakeBackpressure(app, {
    route: 'webhooks',
    queue: () => ({ depth: deliveries.depth, waitMs: deliveries.standingWaitMs(), stalledMs: deliveries.stalledMs }),
    early: ['/webhooks/shopify/', '/webhooks/woocommerce/'],
  });
  /**
   * Stores a delivery, or says why it missed the ack deadline: withdrawn from the queue before any writer took it
   * (nothing stored), or its insert still running (it may commit; the storefront's retry with the same id is then
   * recognized as a duplicate, so a retry never makes a second delivery, hence no second order).
   */
  const store = (d: DeliveryToStore): Promise<StoredDelivery | GroupCommitExpired> =>
    deliveries.submit(d).catch((err: unknown) => {
      if (err instanceof GroupCommitExpired) return err;
      throw err;
    });

  const header = (req: FastifyRequest, name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };

  async function reject(
    req: FastifyRequest,
    kind: string,
    connectorId: string,
    warehouseId: string | undefined,
    reason: string,
  ): Promise<never> {
    // Outside any transaction: the audit entry is the only trace a rejected delivery leaves.
    await recordAudit(app.orm.em.fork(), {
      actorType: 'anonymous',
      action: 'webhook.rejected',
      objectType: 'connector',
      objectId: connectorId,
      warehouseId,
      ip: req.ip,
      details: {
        kind,
        reason,
        topic: header(req, kind === 'shopify' ? 'x-shopify-topic' : 'x-wc-webhook-topic') ?? null,
        bytes: (req.body as Buffer | undefined)?.length ?? 0,
      },
    });
    throw new Unauthorized(reason);
  }

  async function handle(kind: 'shopify' | 'woocommerce', req: FastifyRequest, reply: FastifyReply, connectorId: string) {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const c = await connector(connectorId);
    if (!c || c.row.kind !== kind || !c.row.active) {
      await recordAudit(app.orm.em.fork(), {
        actorType: 'anonymous',
        action: 'webhook.unknown_connector',
        objectType: 'connector',
        objectId: connectorId,
        ip: req.ip,
        details: { kind },
      });
      throw new NotFound('Connector', connectorId);
    }
    const topic = header(req, kind === 'shopify' ? 'x-shopify-topic' : 'x-wc-webhook-topic');
    const signature = header(req, kind === 'shopify' ? 'x-shopify-hmac-sha256' : 'x-wc-webhook-signature');
    // WooCommerce sends one unsigned, form-encoded ping when a webhook is saved; it must get a 200.
    if (kind === 'woocommerce' && !topic && !signature && /^webhook_id=\d+$/.test(raw.toString('utf8').trim())) {
      req.log.info({ connectorId }, 'woocommerce webhook ping');
      return { ok: true, ping: true };
    }
    if (!signature) return reject(req, kind, connectorId, c.row.warehouse_id, 'Missing webhook signature header');
    if (!verifyBase64Hmac(c.secret, raw, signature))
      return reject(req, kind, connectorId, c.row.warehouse_id, 'Webhook signature does not match the body');
    const deliveryId =
      kind === 'shopify'
        ? (header(req, 'x-shopify-webhook-id') ?? header(req, 'x-shopify-event-id'))
        : header(req, 'x-wc-webhook-delivery-id');
    if (!deliveryId || deliveryId.length > 200)
      throw new BadRequest(`Missing or oversized ${kind === 'shopify' ? 'X-Shopify-Webhook-Id' : 'X-WC-Webhook-Delivery-ID'} header`);
    // Shopify's mandatory compliance webhooks: applied at once (small work), whatever webhooks_enabled says.
    if (kind === 'shopify' && isComplianceTopic(topic)) {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw new DomainError('malformed-json', 400, 'Bad request', `Body is not valid JSON: ${(err as Error).message}`);
      }
      const r = await withTx(app.orm.em, async (tx) => {
        const d = await recordDelivery(tx, { connectorId, source: 'shopify', deliveryId, topic, rawBody: '' });
        if (d.inserted) await applyComplianceWebhook(tx, { id: c.row.id, warehouse_id: c.row.warehouse_id }, topic, d.id, body);
        return d;
      });
      return { ok: true, duplicate: !r.inserted, deliveryId };
    }
    const action = topicAction(kind, topic);
    if (action === 'unknown' || action === 'ignore') {
      req.log.info(
        { connectorId, topic, deliveryId },
        action === 'unknown' ? 'unknown webhook topic acknowledged' : 'webhook topic ignored',
      );
      return { ok: true, ignored: topic ?? '(no topic)', deliveryId };
    }
    if (!c.row.webhooks_enabled) return { ok: true, ignored: 'webhooks disabled for this connector', deliveryId };
    const text = raw.toString('utf8');
    // Checked here only to refuse what can never become an order (400/422, dead-lettered, nothing stored); the importer
    // reads the stored body with the same checks and builds the order.
    const read = checkDeliveryBody(kind, action, text);
    if (!read.ok) {
      await recordDeadLetter(app.orm.em.fork(), {
        connectorId,
        warehouseId: c.row.warehouse_id,
        source: kind,
        deliveryId,
        topic,
        reason: read.reason,
        rawBody: text,
      });
      throw read.malformedJson
        ? new DomainError('malformed-json', 400, 'Bad request', read.reason)
        : new DomainError('not-an-order', 422, 'Unprocessable content', read.reason);
    }
    const d = await store({
      connectorId,
      source: kind,
      deliveryId,
      topic: topic!,
      rawBody: text,
      triggeredAt: header(req, 'x-shopify-triggered-at'),
    });
    if (d instanceof GroupCommitExpired) return gate.late(req, reply, d.written === 'maybe');
    return { ok: true, duplicate: !d.inserted, deliveryId };
  }

  // Answers go out through JSON.stringify alone (api/plain-json.ts): the handler builds each ack literally, and
  // test/orders/intake.test.ts checks they still equal the schema's parse.
  const schema = (kind: string) => ({
    tags: ['webhooks'],
    summary: `${kind} webhook receiver (HMAC-verified, acknowledged once stored)`,
    params: z.object({ connectorId: z.string().max(64) }),
    response: { 200: ackView, 400: problemSchema, 401: problemSchema, 404: problemSchema, 422: problemSchema, 503: problemSchema },
  });
  // Per connector, so one storefront (or someone replaying its URL) cannot crowd out the others. Counted in memory and
  // added to the shared Redis window every 100 ms (api/plugins/rate-limit-store.ts), not one round trip per request.
  const rateLimit = {
    max: app.config.WEBHOOK_RATE_LIMIT_PER_MIN,
    batchMs: 100,
    timeWindow: '1 minute',
    keyGenerator: (req: FastifyRequest) => `connector:${(req.params as { connectorId?: string }).connectorId ?? ''}`,
    // No x-ratelimit-* on every ack (a storefront reads none of them); a 429 still carries them and its Retry-After.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
  };
  app.post(
    '/webhooks/shopify/:connectorId',
    { onRequest: gate.onRequest, config: { public: true, rateLimit }, serializerCompiler: plainJsonSerializer, schema: schema('Shopify') },
    (req, reply) => handle('shopify', req, reply, req.params.connectorId),
  );
  app.post(
    '/webhooks/woocommerce/:connectorId',
    {
      onRequest: gate.onRequest,
      config: { public: true, rateLimit },
      serializerCompiler: plainJsonSerializer,
      schema: schema('WooCommerce'),
    },
    (req, reply) => handle('woocommerce', req, reply, req.params.connectorId),
  );
}
