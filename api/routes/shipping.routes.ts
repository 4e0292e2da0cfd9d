import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { shipmentListQuery, shipmentView } from '../../domain/shipping/shipment.schemas.js';
import { getShipment, listShipments } from '../../domain/shipping/shipment-queries.js';
import { auditPersonalDataView, customerFieldsFor } from '../../domain/orders/privacy.service.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { carrierRoutes } from './carriers.routes.js';
import { labelRoutes } from './labels.routes.js';
import { trackingRoutes } from './tracking.routes.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const READ = ['supervisor', 'dispatcher', 'packer'] as const;
const SCOPES_READ = ['shipments:read', 'shipments:write'];

/** /v1 shipping: shipment lists and detail, rate quotes, labels, manifests, tracking. */
export async function shippingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  await app.register(carrierRoutes);
  await app.register(labelRoutes);
  await app.register(trackingRoutes);

  app.get(
    '/shipments',
    {
      config: { roles: READ, scopes: SCOPES_READ },
      schema: {
        tags: ['shipping'],
        summary: "A warehouse's shipments, newest first (filters: status (comma-separated), order, carrier, delivery date)",
        querystring: shipmentListQuery,
        response: { 200: z.object({ items: z.array(shipmentView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      assertWarehouse(actor, req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      const em = app.orm.em.fork();
      const page = await listShipments(em, req.query);
      // Field level by role: a packer sees no email, phone or street; a full view is audited.
      await auditPersonalDataView(em, actor, {
        orderIds: page.items.map((s) => s.orderId).filter((x): x is string => !!x),
        warehouseId: req.query.warehouseId,
        via: 'GET /v1/shipments',
      });
      return { ...page, items: page.items.map((s) => ({ ...s, shipTo: customerFieldsFor(actor, {}, s.shipTo).shipTo })) };
    },
  );

  app.get(
    '/shipments/:shipmentId',
    {
      config: { roles: READ, scopes: SCOPES_READ },
      schema: { tags: ['shipping'], params: z.object({ shipmentId: z.uuid() }), response: { 200: shipmentView, ...problems } },
    },
    async (req) => {
      const actor = actorOf(req);
      const em = app.orm.em.fork();
      const s = await getShipment(em, actor, req.params.shipmentId);
      if (s.orderId)
        await auditPersonalDataView(em, actor, { orderIds: [s.orderId], warehouseId: s.warehouseId, via: 'GET /v1/shipments/:shipmentId' });
      return { ...s, shipTo: customerFieldsFor(actor, {}, s.shipTo).shipTo };
    },
  );
}
