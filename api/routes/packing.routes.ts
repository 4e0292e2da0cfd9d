import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { packBody, packSessionView, packSettingsBody, startPackBody, verifyScanBody } from '../../domain/packing/pack.schemas.js';
import { packOrder, reportingDiscrepancies, startPack, verifyItem } from '../../domain/packing/pack.service.js';
import { getPackSession } from '../../domain/packing/pack-session.js';
import { setPackSettings } from '../../domain/packing/pack-settings.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const whParams = z.object({ warehouseId: z.uuid() });
const sessionParams = z.object({ sessionId: z.uuid() });
const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const PACK = ['packer', 'supervisor'] as const;

/** Pack stations: tote scan → verify by scan → carton proposal → weigh → shipments. */
export async function packingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/warehouses/:warehouseId/pack-sessions',
    {
      config: { roles: PACK, idempotency: 'optional' },
      schema: {
        tags: ['packing'],
        summary: "Scan a tote at a pack station: opens (or resumes) its order's pack session with a carton proposal",
        params: whParams,
        body: startPackBody,
        response: { 200: packSessionView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => startPack(tx, actorOf(req), req.params.warehouseId, req.body.stationCode, req.body.toteScan)),
  );

  app.get(
    '/pack-sessions/:sessionId',
    {
      config: { roles: ['any'] },
      schema: { tags: ['packing'], params: sessionParams, response: { 200: packSessionView, ...problems } },
    },
    async (req) => getPackSession(app.orm.em.fork(), actorOf(req), req.params.sessionId),
  );

  app.post(
    '/pack-sessions/:sessionId/verify',
    {
      config: { roles: PACK, idempotency: 'optional' },
      schema: {
        tags: ['packing'],
        summary: 'Verify items by scan',
        params: sessionParams,
        body: verifyScanBody,
        response: { 200: packSessionView, ...problems },
      },
    },
    async (req) =>
      reportingDiscrepancies(app.orm.em, req.params.sessionId, () =>
        withTx(app.orm.em, (tx) => verifyItem(tx, actorOf(req), req.params.sessionId, req.body.itemScan, req.body.qty)),
      ),
  );

  app.post(
    '/pack-sessions/:sessionId/pack',
    {
      config: { roles: PACK, idempotency: 'optional' },
      schema: {
        tags: ['packing'],
        summary: 'Pack: cartons (proposal or override) with scale weights; creates one packed shipment per carton',
        params: sessionParams,
        body: packBody,
        response: { 200: packSessionView, ...problems },
      },
    },
    async (req) =>
      reportingDiscrepancies(app.orm.em, req.params.sessionId, () =>
        withTx(app.orm.em, (tx) => packOrder(tx, actorOf(req), req.params.sessionId, req.body)),
      ),
  );

  app.put(
    '/warehouses/:warehouseId/pack-settings',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['packing'],
        summary: 'Scale tolerance and cartonization support rule',
        params: whParams,
        body: packSettingsBody,
        response: { 204: z.null(), ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.params.warehouseId, 'Warehouse', req.params.warehouseId);
      await withTx(app.orm.em, (tx) => setPackSettings(tx, req.params.warehouseId, req.body));
      return reply.status(204).send(null);
    },
  );
}
