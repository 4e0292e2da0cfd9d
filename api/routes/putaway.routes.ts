import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STOCK_STATUSES } from '../../domain/inventory/ledger.types.js';
import { ScanError } from '../../domain/scanning/index.js';
import { claimPutawayByScan, confirmPutaway, proposeFor } from '../../domain/slotting/putaway.service.js';
import { putawayWorkView } from '../../domain/slotting/putaway.schemas.js';
import { taskView } from '../../domain/tasks/task.schemas.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { scanProblem } from './scans.routes.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const proposalView = z.object({
  locationId: z.string(),
  code: z.string(),
  qty: z.number().int(),
  score: z.number(),
  why: z.array(z.string()),
});

/** /v1/putaway: where stock should go, and the handheld's location scan that confirms a putaway task. */
export async function putawayRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/putaway/proposals',
    {
      config: { roles: ['supervisor', 'receiver'], scopes: ['inbound:read'] },
      schema: {
        tags: ['putaway'],
        summary: 'Putaway proposals: temperature, hazmat, capacity and lot rules kept; consolidation and golden zone preferred',
        querystring: z.object({
          warehouseId: z.uuid(),
          skuId: z.uuid(),
          qty: z.coerce.number().int().positive().max(1_000_000),
          lot: z.string().max(40).optional(),
          status: z.enum(STOCK_STATUSES).default('available'),
          fromLocationId: z.uuid(),
        }),
        response: { 200: z.object({ proposals: z.array(proposalView) }), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      const r = await proposeFor(app.orm.em.fork(), req.query.warehouseId, { ...req.query, lot: req.query.lot ?? null });
      return { proposals: r.proposals };
    },
  );

  app.post(
    '/putaway/claim',
    {
      config: { roles: ['supervisor', 'receiver'] },
      schema: {
        tags: ['putaway'],
        summary: 'Scan a pallet (LPN/SSCC) or an item at the dock: claims its open putaway task and returns the proposed location',
        body: z.object({ warehouseId: z.uuid(), scan: z.string().trim().min(1).max(200), deviceId: z.string().max(64).optional() }),
        response: {
          200: putawayWorkView,
          ...problems,
        },
      },
    },
    async (req) => {
      try {
        return await withTx(app.orm.em, (tx) =>
          claimPutawayByScan(tx, actorOf(req), req.body, app.clock, { leaseS: app.config.TASK_LEASE_S }),
        );
      } catch (e) {
        if (e instanceof ScanError) throw scanProblem(e, 'body.scan');
        throw e;
      }
    },
  );

  app.post(
    '/putaway/tasks/:taskId/confirm',
    {
      config: { roles: ['supervisor', 'receiver'], idempotency: 'optional' },
      schema: {
        tags: ['putaway'],
        summary: 'Confirm a putaway by scanning the location: another location than proposed needs a reason (audited)',
        params: z.object({ taskId: z.uuid() }),
        body: z.object({
          locationScan: z.string().min(1).max(200),
          reason: z.string().min(3).max(200).optional().describe('Why not the proposed location (required to use another one)'),
        }),
        response: { 200: taskView, ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, (tx) =>
        confirmPutaway(tx, actorOf(req), req.params.taskId, req.body, app.clock, { leaseS: app.config.TASK_LEASE_S }),
      ),
  );
}
