import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { genericOrderBody, mapGenericOrder } from '../../domain/orders/normalize/generic.mapper.js';
import { importOrder } from '../../domain/orders/order-import.service.js';
import { NotFound } from '../../domain/shared/errors.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { intakeBackpressure } from '../plugins/backpressure.js';
import { idempotent } from '../plugins/idempotency.js';
import { problemSchema } from '../problem.schema.js';
import { connectorRoutes } from './connectors.routes.js';
import { orderQueryRoutes } from './order-queries.routes.js';
import { webhookRoutes } from './webhooks.routes.js';
import { privacyRoutes } from './privacy.routes.js';
import { webhookSubscriptionRoutes } from './webhook-subscriptions.routes.js';
import type { ConnectorRow } from '../../domain/orders/entities/connector.entity.js';

const intakeView = z.object({
  id: z.string(),
  externalId: z.string(),
  status: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'stale', 'cancelled', 'cancel_refused']),
});

/** /v1 routes of the orders area; the owning context registers its route plugins here. */
export async function ordersRoutes(app: FastifyInstance): Promise<void> {
  await app.register(webhookRoutes);
  await app.register(connectorRoutes);
  await app.register(orderQueryRoutes);
  await app.register(webhookSubscriptionRoutes);
  await app.register(genericIntakeRoutes);
  await app.register(privacyRoutes);
}

async function genericIntakeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const ttlS = app.config.orders.idempotencyTtlS;
  app.post(
    '/orders',
    {
      ...idempotent({ required: true, ttlS }),
      onRequest: intakeBackpressure(app, { route: 'orders' }).onRequest,
      config: { roles: ['supervisor'], scopes: ['orders:write'] },
      schema: {
        tags: ['orders'],
        summary: 'Create (or update) an order from an API client; requires an Idempotency-Key header',
        headers: z.object({ 'idempotency-key': z.string().max(255).optional() }).passthrough(),
        body: genericOrderBody,
        response: {
          200: intakeView,
          201: intakeView,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
          503: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      assertWarehouse(actor, req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      const r = await withTx(app.orm.em, async (tx) => {
        let connector = null;
        if (req.body.connectorId) {
          connector = await sqlOne<Pick<ConnectorRow, 'id' | 'warehouse_id' | 'sku_mapping' | 'min_shelf_life_days'>>(
            tx,
            `select id, warehouse_id, sku_mapping, min_shelf_life_days from connector where id = ? and warehouse_id = ? and active and kind = 'api'`,
            [req.body.connectorId, req.body.warehouseId],
          );
          if (!connector) throw new NotFound('Connector', req.body.connectorId);
        }
        if (!(await sqlOne(tx, 'select 1 from warehouse where id = ?', [req.body.warehouseId])))
          throw new NotFound('Warehouse', req.body.warehouseId);
        return importOrder(tx, { connector, warehouseId: req.body.warehouseId, source: 'api', order: mapGenericOrder(req.body) });
      });
      return reply
        .status(r.outcome === 'created' ? 201 : 200)
        .send({ id: r.orderId, externalId: req.body.externalId, status: r.status, outcome: r.outcome });
    },
  );
}
