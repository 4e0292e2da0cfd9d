import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allocateOrder } from '../../domain/orders/allocation.service.js';
import { cancelOrderTx } from '../../domain/orders/cancellation.js';
import { releaseHoldIfResolved } from '../../domain/orders/order-import.service.js';
import {
  allocationLog,
  getAllocationLog,
  getOrder,
  listOrders,
  orderDetail,
  orderListQuery,
  orderSummary,
  orderWarehouse,
} from '../../domain/orders/order-queries.js';
import { auditPersonalDataView, customerFieldsFor } from '../../domain/orders/privacy.service.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { Conflict } from '../../domain/shared/errors.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import type { ConnectorRow } from '../../domain/orders/entities/connector.entity.js';
import type { SalesOrderRow } from '../../domain/orders/entities/sales-order.entity.js';

const params = z.object({ orderId: z.uuid() });
const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const READ = ['supervisor', 'dispatcher', 'picker', 'packer'] as const;

/** Order queries and commands on one order (cancel, allocate again, release a hold). */
export async function orderQueryRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/orders',
    {
      config: { roles: READ, scopes: ['orders:read', 'orders:write'] },
      schema: {
        tags: ['orders'],
        summary: 'Orders, newest first (filters: connector, external id, status, creation dates)',
        querystring: orderListQuery,
        response: { 200: z.object({ items: z.array(orderSummary), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      if (req.query.warehouseId) assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return listOrders(app.orm.em.fork(), actorOf(req), req.query);
    },
  );

  app.get(
    '/orders/:orderId',
    {
      config: { roles: READ, scopes: ['orders:read', 'orders:write'] },
      schema: {
        tags: ['orders'],
        summary: 'One order: lines, allocation, shipments, event timeline',
        params,
        response: { 200: orderDetail, ...problems },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const em = app.orm.em.fork();
      const o = await getOrder(em, actor, req.params.orderId);
      // Field level by role: floor roles see no email, phone or street; every full view is audited.
      await auditPersonalDataView(em, actor, { orderIds: [o.id], warehouseId: o.warehouseId, via: 'GET /v1/orders/:orderId' });
      return { ...o, ...customerFieldsFor(actor, o.customer, o.shipTo) };
    },
  );

  app.get(
    '/orders/:orderId/allocation-log',
    {
      config: { roles: READ, scopes: ['orders:read', 'orders:write'] },
      schema: {
        tags: ['orders'],
        summary: 'Why the order was or was not allocated, held and released',
        params,
        response: { 200: allocationLog, ...problems },
      },
    },
    async (req) => getAllocationLog(app.orm.em.fork(), actorOf(req), req.params.orderId),
  );

  app.post(
    '/orders/:orderId/cancel',
    {
      config: { roles: ['supervisor'], scopes: ['orders:write'] },
      schema: {
        tags: ['orders'],
        summary: 'Cancel: before pick releases reservations, after pick requests a put-back, after ship is refused (409)',
        params,
        body: z.object({ reason: z.string().min(1).max(500) }),
        response: { 200: z.object({ status: z.string(), stage: z.string() }), ...problems },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      await orderWarehouse(app.orm.em.fork(), actor, req.params.orderId);
      const r = await withTx(app.orm.em, (tx) =>
        cancelOrderTx(tx, req.params.orderId, {
          reason: req.body.reason,
          source: actor.kind === 'user' ? `user ${actor.username ?? actor.id}` : `api client ${actor.username ?? actor.id}`,
          actorId: actor.id,
        }),
      );
      // The refusal is committed (log + event for the storefront) before it is reported.
      if (!r.cancelled) throw new Conflict(r.reason ?? 'The order cannot be cancelled', 'order-already-shipped', { stage: r.stage });
      return { status: r.status, stage: r.stage };
    },
  );

  app.post(
    '/orders/:orderId/allocate',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['orders'],
        summary: 'Try allocation again now',
        params,
        response: {
          200: z.object({ status: z.string(), allocatedQty: z.number().int(), shortQty: z.number().int(), skipped: z.string().optional() }),
          ...problems,
        },
      },
    },
    async (req) => {
      await orderWarehouse(app.orm.em.fork(), actorOf(req), req.params.orderId);
      return withTx(app.orm.em, (tx) =>
        allocateOrder(tx, req.params.orderId, app.clock, { trigger: `manual by ${actorOf(req).username ?? actorOf(req).id}` }),
      );
    },
  );

  app.post(
    '/orders/:orderId/release-hold',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['orders'],
        summary: 'Re-check an on_hold order (after a catalog or mapping fix) and release it when it resolves',
        params,
        response: { 200: z.object({ released: z.boolean(), holdReason: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      const w = await orderWarehouse(app.orm.em.fork(), actorOf(req), req.params.orderId);
      return withTx(app.orm.em, async (tx) => {
        const c = w.connectorId
          ? await sqlOne<Pick<ConnectorRow, 'id' | 'sku_mapping'>>(tx, 'select id, sku_mapping from connector where id = ?', [
              w.connectorId,
            ])
          : null;
        const released = await releaseHoldIfResolved(tx, req.params.orderId, c ?? null);
        const o = await sqlOne<Pick<SalesOrderRow, 'hold_reason'>>(tx, 'select hold_reason from sales_order where id = ?', [
          req.params.orderId,
        ]);
        return { released, holdReason: o?.hold_reason ?? null };
      });
    },
  );
}
