import { cursorParam } from '../../domain/shared/cursor.js';
import { lookup } from 'node:dns/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { keyRing } from '../../domain/orders/secret-box.js';
import {
  createdSubscriptionView,
  createSubscription,
  createSubscriptionBody,
  deactivateSubscription,
  deliveryView,
  listDeliveries,
  listSubscriptions,
  retryDelivery,
  subscriptionView,
} from '../../domain/orders/subscription.service.js';
import { withTx } from '../../platform/db.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** Outbound webhook subscriptions (Standard Webhooks) and the outbound delivery log / dead letters. */
export async function webhookSubscriptionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const settings = app.config.orders;
  const ring = keyRing(app.config.SECRETS_KEY, settings.previousSecretKeys);
  const net = {
    allowHttp: settings.allowHttp,
    allowPrivate: settings.allowPrivate,
    resolve: async (host: string) => (await lookup(host, { all: true })).map((a) => a.address),
  };

  app.post(
    '/webhook-subscriptions',
    {
      config: { roles: ['admin'], scopes: ['webhooks:write'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to domain events, signed per Standard Webhooks (secret returned once)',
        body: createSubscriptionBody,
        response: { 201: createdSubscriptionView, ...problems },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await withTx(app.orm.em, (tx) => createSubscription(tx, actorOf(req), ring, req.body, net))),
  );

  app.get(
    '/webhook-subscriptions',
    {
      config: { roles: ['admin'], scopes: ['webhooks:write'] },
      schema: {
        tags: ['webhooks'],
        querystring: z.object({ cursor: cursorParam, limit: z.coerce.number().int().min(1).max(200).default(100) }),
        response: { 200: z.object({ items: z.array(subscriptionView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      return listSubscriptions(app.orm.em.fork(), actorOf(req), req.query);
    },
  );

  app.delete(
    '/webhook-subscriptions/:subscriptionId',
    {
      config: { roles: ['admin'], scopes: ['webhooks:write'] },
      schema: { tags: ['webhooks'], params: z.object({ subscriptionId: z.uuid() }), response: { 204: z.null(), ...problems } },
    },
    async (req, reply) => {
      await withTx(app.orm.em, (tx) => deactivateSubscription(tx, actorOf(req), req.params.subscriptionId));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/outbound-deliveries',
    {
      config: { roles: ['supervisor'], scopes: ['webhooks:write'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Storefront callbacks and webhook deliveries; status=dead lists the dead letters',
        querystring: z.object({
          status: z.enum(['pending', 'delivered', 'dead']).optional(),
          orderId: z.uuid().optional(),
          cursor: cursorParam,
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(deliveryView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => listDeliveries(app.orm.em.fork(), actorOf(req), req.query),
  );

  app.post(
    '/outbound-deliveries/:deliveryId/retry',
    {
      config: { roles: ['admin'], scopes: ['webhooks:write'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Replay a dead delivery now (fresh retry window)',
        params: z.object({ deliveryId: z.uuid() }),
        response: { 200: deliveryView, ...problems },
      },
    },
    async (req) => {
      const d = await withTx(app.orm.em, (tx) => retryDelivery(tx, actorOf(req), req.params.deliveryId));
      await app.queues.add('webhook-delivery', { deliveryId: d.id }, { jobId: `wd-${d.id}-manual-${Date.now()}` });
      return d;
    },
  );
}
