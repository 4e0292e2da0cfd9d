import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../domain/identity/audit.js';
import { dataRequestReport, purgeExpiredPersonalData } from '../../domain/orders/privacy.service.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

/** /v1/privacy: the answer to a storefront's customers/data_request, and the retention purge on demand (admins). */
export async function privacyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/privacy/data-requests/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['privacy'],
        summary: 'The personal data held for a Shopify customers/data_request (to send to the merchant); audited as a view',
        params: z.object({ id: z.uuid() }),
        response: {
          200: z.object({
            id: z.string(),
            connectorId: z.string(),
            receivedAt: z.string(),
            orders: z.array(
              z.object({
                id: z.string(),
                externalId: z.string(),
                status: z.string(),
                createdAt: z.string(),
                customer: z.record(z.string(), z.unknown()),
                shipTo: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
          ...problems,
        },
      },
    },
    async (req) => dataRequestReport(app.orm.em.fork(), actorOf(req), req.params.id),
  );

  app.post(
    '/privacy/purge',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['privacy'],
        summary: 'Run the retention purge now (PII_RETENTION_DAYS, RAW_PAYLOAD_RETENTION_DAYS); it also runs on a schedule',
        response: { 200: z.object({ ordersRedacted: z.number(), payloadsBlanked: z.number() }), ...problems },
      },
    },
    async (req) => {
      const s = app.config.orders;
      const r = await purgeExpiredPersonalData(app.orm.em, { piiDays: s.piiRetentionDays, rawDays: s.rawPayloadRetentionDays });
      const actor = actorOf(req);
      await recordAudit(app.orm.em.fork(), { actorType: actor.kind, actorId: actor.id, action: 'privacy.purged', details: r });
      return r;
    },
  );
}
