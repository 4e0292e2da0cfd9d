import { cursorParam } from '../../domain/shared/cursor.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csvLine } from '../../domain/catalog/csv.js';
import { purchaseSuggestions } from '../../domain/slotting/purchase-suggestions.service.js';
import { confirmReplenishment, setPickFace } from '../../domain/slotting/replenishment.service.js';
import { approveReslot, confirmMove, getReslotRun, proposeReslot } from '../../domain/slotting/reslot.service.js';
import { listVelocity, runVelocity } from '../../domain/slotting/velocity.service.js';
import { taskView } from '../../domain/tasks/task.schemas.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const pickFaceView = z.object({ locationId: z.string(), skuId: z.string(), minQty: z.number().int(), maxQty: z.number().int() });
const velocityRunView = z.object({
  runId: z.string(),
  windowDays: z.number().int(),
  skus: z.number().int(),
  picks: z.number().int(),
  a: z.number().int(),
  b: z.number().int(),
  c: z.number().int(),
});
const velocityItem = z.object({
  skuId: z.string(),
  sku: z.string(),
  velocityClass: z.string(),
  rank: z.number().int(),
  picks: z.number().int(),
  units: z.number().int(),
  orders: z.number().int(),
  picksPerWeek: z.number(),
  cubePerOrderIndex: z.number().nullable(),
  computedAt: z.string(),
});
const reslotSummary = z.object({
  runId: z.string(),
  proposals: z.number().int(),
  moves: z.number().int(),
  bufferMoves: z.number().int(),
  skipped: z.array(z.object({ skuId: z.string(), reason: z.string() })),
  estSavedMPerWeek: z.number(),
  /** Recent orders replayed on the pick-path model before and after the proposals, scaled to a week. */
  measured: z.object({ orders: z.number().int(), beforeMPerWeek: z.number(), afterMPerWeek: z.number() }),
  velocityRunId: z.string().nullable(),
});
const reslotRunView = z.object({
  id: z.string(),
  warehouseId: z.string(),
  createdAt: z.string(),
  summary: z.record(z.string(), z.unknown()),
  proposals: z.array(
    z.object({
      skuId: z.string(),
      sku: z.string(),
      kind: z.string(),
      from: z.string(),
      to: z.string(),
      estSavedMPerWeek: z.number(),
      status: z.string(),
      moves: z.array(
        z.object({
          id: z.string(),
          seq: z.number().int(),
          kind: z.string(),
          from: z.string(),
          to: z.string(),
          status: z.string(),
          dependsOn: z.string().nullable(),
          taskId: z.string().nullable(),
        }),
      ),
    }),
  ),
});

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

  app.post(
    '/slotting/velocity-runs',
    {
      config: { roles: ['supervisor'], scopes: ['inventory:write'] },
      schema: {
        tags: ['slotting'],
        summary: 'Compute velocity now (the nightly run does the same): ABC by picks and cube-per-order index from the pick history',
        body: z.object({ warehouseId: z.uuid(), windowDays: z.number().int().min(7).max(730).default(91) }).strict(),
        response: { 201: velocityRunView, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      const r = await withTx(app.orm.em, (tx) => runVelocity(tx, req.body.warehouseId, app.clock, { windowDays: req.body.windowDays }));
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/slotting/velocity',
    {
      config: { roles: ['any'], scopes: ['inventory:read'] },
      schema: {
        tags: ['slotting'],
        summary: "The warehouse's SKU velocity by rank (1 = most picked) from the last velocity run, cursor-paginated",
        querystring: z.object({
          warehouseId: z.uuid(),
          velocityClass: z.enum(['A', 'B', 'C']).optional(),
          cursor: cursorParam,
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(velocityItem), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return listVelocity(app.orm.em.fork(), req.query);
    },
  );

  app.post(
    '/slotting/reslot-runs',
    {
      config: { roles: ['supervisor'], scopes: ['inventory:write'] },
      schema: {
        tags: ['slotting'],
        summary:
          'Compute re-slotting proposals from the last velocity run (fast movers to the best faces, slow ones to reserve); earlier unapproved proposals are superseded',
        body: z
          .object({
            warehouseId: z.uuid(),
            minSavingMPerWeek: z.number().min(0).max(100_000).default(20),
            goldenBonusM: z.number().min(0).max(1000).default(4),
          })
          .strict(),
        response: { 201: reslotSummary, ...problems },
      },
    },
    async (req, reply) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      const r = await withTx(app.orm.em, (tx) =>
        proposeReslot(tx, req.body.warehouseId, {
          minSavingMmPerWeek: req.body.minSavingMPerWeek * 1000,
          goldenBonusMm: req.body.goldenBonusM * 1000,
        }),
      );
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/slotting/reslot-runs/:runId',
    {
      config: { roles: ['supervisor'], scopes: ['inventory:read'] },
      schema: {
        tags: ['slotting'],
        summary: 'A re-slotting run: one proposal per SKU with its estimated walking saved per week and its moves in execution order',
        params: z.object({ runId: z.uuid() }),
        response: { 200: reslotRunView, ...problems },
      },
    },
    async (req) => getReslotRun(app.orm.em.fork(), actorOf(req), req.params.runId),
  );

  app.post(
    '/slotting/reslot-runs/:runId/approve',
    {
      config: { roles: ['supervisor'], scopes: ['inventory:write'], idempotency: 'optional' },
      schema: {
        tags: ['slotting'],
        summary:
          'Approve proposals (all, or some SKUs plus those they wait on): moves whose destination is free become move tasks now, the rest as their destination empties',
        params: z.object({ runId: z.uuid() }),
        body: z.object({ skuIds: z.array(z.uuid()).min(1).max(5000).optional() }).strict(),
        response: {
          200: z.object({ approved: z.array(z.string()), alsoApproved: z.array(z.string()), taskIds: z.array(z.string()) }),
          ...problems,
        },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => approveReslot(tx, actorOf(req), req.params.runId, req.body.skuIds)),
  );

  app.post(
    '/slotting/moves/:taskId/confirm',
    {
      config: { roles: ['supervisor', 'receiver', 'picker'], idempotency: 'optional' },
      schema: {
        tags: ['slotting'],
        summary:
          "Confirm a re-slotting move by scanning its destination: the SKU's stock moves through the ledger and the pick face changes hands",
        params: z.object({ taskId: z.uuid() }),
        body: z.object({ locationScan: z.string().min(1).max(200) }).strict(),
        response: { 200: taskView, ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, (tx) =>
        confirmMove(tx, actorOf(req), req.params.taskId, req.body, app.clock, { leaseS: app.config.TASK_LEASE_S }),
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
