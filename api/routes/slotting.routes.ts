import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csvLine } from '../../domain/catalog/csv.js';
import { purchaseSuggestions } from '../../domain/slotting/purchase-suggestions.service.js';
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

  app.get(
    '/purchasing/suggestions',
    {
      config: { roles: ['supervisor'], scopes: ['inbound:read'] },
      schema: {
        tags: ['slotting'],
        summary:
          'Purchase suggestions per SKU (TSB forecast, safety stock for a service level, reorder point, quantity); format=csv for a file',
        querystring: z.object({
          warehouseId: z.uuid(),
          serviceLevel: z.coerce.number().min(0.5).max(0.999).default(0.95),
          weeks: z.coerce.number().int().min(8).max(156).default(104),
          reviewWeeks: z.coerce.number().int().min(1).max(12).default(1),
          onlyToOrder: z.coerce.boolean().default(false),
          limit: z.coerce.number().int().min(1).max(10000).default(1000),
          format: z.enum(['json', 'csv']).default('json'),
        }),
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      const items = await purchaseSuggestions(app.orm.em.fork(), { ...req.query, now: app.clock.now() });
      if (req.query.format === 'json') return { items };
      const cols = [
        'sku',
        'onHand',
        'onOrder',
        'leadTimeWeeks',
        'forecastPerWeek',
        'safetyStock',
        'reorderPoint',
        'orderUpTo',
        'suggestedQty',
      ] as const;
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="purchase-suggestions.csv"');
      return [csvLine([...cols]), ...items.map((i) => csvLine(cols.map((c) => (c === 'forecastPerWeek' ? i[c].toFixed(3) : i[c]))))].join(
        '',
      );
    },
  );
}
