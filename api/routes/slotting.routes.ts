import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { confirmReplenishment, setPickFace } from '../../domain/slotting/replenishment.service.js';
import { taskView } from '../../domain/tasks/task.schemas.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const pickFaceView = z.object({ locationId: z.string(), skuId: z.string(), minQty: z.number().int(), maxQty: z.number().int() });

/** /v1 slotting: pick faces (SKU, min/max) and replenishment confirmation on the handheld. */
export async function slottingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.put(
    '/warehouses/:warehouseId/pick-faces/:locationId',
    {
      config: { roles: ['supervisor'], scopes: ['inventory:write'] },
      schema: {
        tags: ['slotting'],
        summary: 'Slot a SKU in a pick face with its min and max (below min after a pick → one replenish task)',
        params: z.object({ warehouseId: z.uuid(), locationId: z.uuid() }),
        body: z.object({ skuId: z.uuid(), minQty: z.number().int().min(0), maxQty: z.number().int().positive() }),
        response: { 200: pickFaceView, ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.params.warehouseId, 'Warehouse', req.params.warehouseId);
      return withTx(app.orm.em, (tx) => setPickFace(tx, req.params.warehouseId, req.params.locationId, req.body));
    },
  );

  app.post(
    '/replenishment/tasks/:taskId/confirm',
    {
      config: { roles: ['supervisor', 'receiver', 'picker'], idempotency: 'optional' },
      schema: {
        tags: ['slotting'],
        summary: 'Confirm a replenishment by scanning the pick face: reserve → face through the ledger',
        params: z.object({ taskId: z.uuid() }),
        body: z.object({ locationScan: z.string().min(1).max(200), qty: z.number().int().positive().optional() }),
        response: { 200: taskView, ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, (tx) =>
        confirmReplenishment(tx, actorOf(req), req.params.taskId, req.body, app.clock, { leaseS: app.config.TASK_LEASE_S }),
      ),
  );
}
