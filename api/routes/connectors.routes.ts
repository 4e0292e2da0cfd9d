import { cursorParam } from '../../domain/shared/cursor.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  connectorView,
  createConnectorBody,
  customerRuleBody,
  skuMappingsBody,
  updateConnectorBody,
} from '../../domain/orders/connector.schemas.js';
import {
  createConnector,
  getConnector,
  listConnectors,
  putCustomerRule,
  putSkuMappings,
  toConnectorView,
  updateConnector,
} from '../../domain/orders/connector.service.js';
import { intakeStats, listDeadLetters, replayDeadLetter } from '../../domain/orders/intake.service.js';
import { releaseConnectorHolds } from '../../domain/orders/order-import.service.js';
import { keyRing } from '../../domain/orders/secret-box.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const params = z.object({ connectorId: z.uuid() });
const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const deadLetterView = z.object({
  id: z.string(),
  connectorId: z.string().nullable(),
  warehouseId: z.string(),
  source: z.string(),
  deliveryId: z.string().nullable(),
  topic: z.string().nullable(),
  reason: z.string(),
  rawBody: z.string(),
  createdAt: z.string(),
  replayedAt: z.string().nullable(),
  replayResult: z.string().nullable(),
});

/** Storefront connectors (admin), SKU mappings that release held orders, and the intake dead-letter queue. */
export async function connectorRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const settings = app.config.orders;
  const ring = keyRing(app.config.SECRETS_KEY, settings.previousSecretKeys);
  const net = { allowHttp: settings.allowHttp };
  const base = app.config.PUBLIC_URL?.replace(/\/+$/, '') ?? '';

  app.post(
    '/connectors',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['connectors'],
        summary: 'Create a storefront connector (secrets are encrypted at rest and never returned)',
        body: createConnectorBody,
        response: { 201: connectorView, ...problems },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(toConnectorView(await withTx(app.orm.em, (tx) => createConnector(tx, actorOf(req), ring, req.body, net)), base)),
  );

  app.get(
    '/connectors',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['connectors'],
        querystring: z.object({
          warehouseId: z.uuid().optional(),
          cursor: cursorParam,
          limit: z.coerce.number().int().min(1).max(200).default(100),
        }),
        response: { 200: z.object({ items: z.array(connectorView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      const page = await listConnectors(app.orm.em.fork(), actorOf(req), req.query);
      return { items: page.items.map((c) => toConnectorView(c, base)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/connectors/:connectorId',
    {
      config: { roles: ['supervisor'] },
      schema: { tags: ['connectors'], params, response: { 200: connectorView, ...problems } },
    },
    async (req) => toConnectorView(await getConnector(app.orm.em.fork(), actorOf(req), req.params.connectorId), base),
  );

  app.patch(
    '/connectors/:connectorId',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['connectors'],
        summary: 'Update a connector (rotate its secret, change polling, callbacks)',
        params,
        body: updateConnectorBody,
        response: { 200: connectorView, ...problems },
      },
    },
    async (req) =>
      toConnectorView(
        await withTx(app.orm.em, (tx) => updateConnector(tx, actorOf(req), ring, req.params.connectorId, req.body, net)),
        base,
      ),
  );

  app.put(
    '/connectors/:connectorId/sku-mappings',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['connectors'],
        summary: 'Map storefront product/variant refs (or SKU texts) to SKUs; releases held orders that now resolve',
        params,
        body: skuMappingsBody,
        response: { 200: z.object({ mapped: z.number().int(), ordersReleased: z.number().int() }), ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, async (tx) => {
        const mapped = await putSkuMappings(tx, actorOf(req), req.params.connectorId, req.body);
        const c = await getConnector(tx, actorOf(req), req.params.connectorId);
        return { mapped, ordersReleased: await releaseConnectorHolds(tx, c) };
      }),
  );

  app.put(
    '/connectors/:connectorId/customer-rules',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['connectors'],
        summary: 'Minimum remaining shelf life for one customer (by storefront customer id or email)',
        params,
        body: customerRuleBody,
        response: { 204: z.null(), ...problems },
      },
    },
    async (req, reply) => {
      await withTx(app.orm.em, (tx) => putCustomerRule(tx, actorOf(req), req.params.connectorId, req.body));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/connectors/:connectorId/poll',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['connectors'],
        summary: 'Run the reconciliation poll now',
        params,
        response: { 202: z.object({ queued: z.boolean() }), ...problems },
      },
    },
    async (req, reply) => {
      const c = await getConnector(app.orm.em.fork(), actorOf(req), req.params.connectorId);
      await app.queues.add('reconciliation', { kind: 'poll', connectorId: c.id }, { jobId: `poll-now-${c.id}-${Date.now()}` });
      return reply.status(202).send({ queued: true });
    },
  );

  app.get(
    '/connectors/:connectorId/stats',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['connectors'],
        summary: 'Deliveries and orders of a connector by status',
        params,
        response: {
          200: z.object({ deliveries: z.record(z.string(), z.number()), orders: z.record(z.string(), z.number()) }),
          ...problems,
        },
      },
    },
    async (req) => {
      const c = await getConnector(app.orm.em.fork(), actorOf(req), req.params.connectorId);
      return intakeStats(app.orm.em.fork(), c.id);
    },
  );

  app.get(
    '/intake/dead-letters',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['connectors'],
        summary: 'Deliveries that were valid JSON but not importable orders',
        querystring: z.object({
          warehouseId: z.uuid().optional(),
          connectorId: z.uuid().optional(),
          cursor: cursorParam,
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(deadLetterView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      if (req.query.warehouseId) assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      const r = await listDeadLetters(app.orm.em.fork(), actorOf(req), req.query);
      return {
        nextCursor: r.nextCursor,
        items: r.items.map((d) => ({
          id: d.id,
          connectorId: d.connector_id,
          warehouseId: d.warehouse_id,
          source: d.source,
          deliveryId: d.delivery_id,
          topic: d.topic,
          reason: d.reason,
          rawBody: d.raw_body,
          createdAt: new Date(d.created_at).toISOString(),
          replayedAt: d.replayed_at ? new Date(d.replayed_at).toISOString() : null,
          replayResult: d.replay_result,
        })),
      };
    },
  );

  app.post(
    '/intake/dead-letters/:deadLetterId/replay',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['connectors'],
        summary: 'Replay a dead letter through the import path',
        params: z.object({ deadLetterId: z.uuid() }),
        response: { 200: z.object({ result: z.string(), orderId: z.string().optional() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => replayDeadLetter(tx, actorOf(req), req.params.deadLetterId)),
  );
}
