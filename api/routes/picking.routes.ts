import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { confirmPick } from '../../domain/picking/pick-confirm.js';
import { shortPick } from '../../domain/picking/pick.service.js';
import { confirmPutback } from '../../domain/picking/putback.service.js';
import { listWavesQuery, planWaveBody, waveTemplateBody, waveTemplateView, waveView } from '../../domain/picking/wave.schemas.js';
import { planWave } from '../../domain/picking/wave-planning.js';
import { cancelWave } from '../../domain/picking/wave-progress.js';
import { releaseWave } from '../../domain/picking/wave-release.js';
import { createWaveTemplate, listWaveTemplates } from '../../domain/picking/wave-templates.js';
import { getWave, listWaves } from '../../domain/picking/wave-views.js';
import { taskView } from '../../domain/tasks/task.schemas.js';
import { withTx } from '../../platform/db.js';
import { idempotencyPending } from '../../platform/idempotency-context.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { plainJsonSerializer } from '../plain-json.js';

const whParams = z.object({ warehouseId: z.uuid() });
const waveParams = z.object({ waveId: z.uuid() });
const lineParams = z.object({ taskId: z.uuid(), lineId: z.uuid() });
const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

const confirmBody = z.object({
  locationScan: z.string().min(1).max(200),
  itemScan: z.string().min(1).max(400),
  qty: z.number().int().min(1).max(100_000),
  toteScan: z.string().min(1).max(200),
  lot: z.string().max(40).optional(),
});
const shortBody = z.object({ qtyFound: z.number().int().min(0).max(100_000), toteScan: z.string().min(1).max(200).optional() });

/** Waves (templates, plan, release, cancel) and the handheld picking flow. */
export async function pickingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const engine = () => ({ leaseS: app.config.TASK_LEASE_S });

  app.post(
    '/warehouses/:warehouseId/wave-templates',
    {
      config: { roles: ['supervisor'] },
      schema: { tags: ['waves'], params: whParams, body: waveTemplateBody, response: { 201: waveTemplateView, ...problems } },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await withTx(app.orm.em, (tx) => createWaveTemplate(tx, actorOf(req), req.params.warehouseId, req.body, app.clock))),
  );

  app.get(
    '/warehouses/:warehouseId/wave-templates',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['waves'],
        params: whParams,
        response: { 200: z.object({ items: z.array(waveTemplateView), nextCursor: z.null() }), ...problems },
      },
    },
    async (req) => ({ items: await listWaveTemplates(app.orm.em.fork(), actorOf(req), req.params.warehouseId), nextCursor: null }),
  );

  app.post(
    '/warehouses/:warehouseId/waves',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['waves'],
        summary: 'Plan a wave (template filters or an order list), optionally releasing it at once',
        params: whParams,
        body: planWaveBody,
        response: { 201: waveView, ...problems },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await withTx(app.orm.em, (tx) => planWave(tx, actorOf(req), req.params.warehouseId, req.body, app.clock))),
  );

  app.get(
    '/warehouses/:warehouseId/waves',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['waves'],
        params: whParams,
        querystring: listWavesQuery,
        response: { 200: z.object({ items: z.array(waveView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => listWaves(app.orm.em.fork(), actorOf(req), req.params.warehouseId, req.query),
  );

  app.get(
    '/waves/:waveId',
    {
      config: { roles: ['any'] },
      schema: { tags: ['waves'], params: waveParams, response: { 200: waveView, ...problems } },
    },
    async (req) => getWave(app.orm.em.fork(), actorOf(req), req.params.waveId),
  );

  app.post(
    '/waves/:waveId/release',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['waves'],
        summary: 'Release a planned wave: pick lists sequenced on the layout go to the task pool',
        params: waveParams,
        response: { 200: waveView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => releaseWave(tx, actorOf(req), req.params.waveId, app.clock)),
  );

  app.post(
    '/waves/:waveId/cancel',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['waves'],
        params: waveParams,
        body: z.object({ reason: z.string().min(1).max(200) }),
        response: { 200: waveView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => cancelWave(tx, actorOf(req), req.params.waveId, req.body.reason)),
  );

  app.post(
    '/tasks/:taskId/lines/:lineId/confirm',
    {
      config: { roles: ['picker', 'supervisor'], idempotency: 'optional' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['picking'],
        summary: 'Confirm a pick: location scan, item scan (GS1/SKU barcode, lot enforced), quantity, tote scan; idempotent',
        params: lineParams,
        body: confirmBody,
        response: { 200: taskView, ...problems },
      },
    },
    async (req) => {
      const confirm = (em: EntityManager) =>
        confirmPick(em, actorOf(req), req.params.taskId, req.params.lineId, req.body, app.clock, engine());
      // A read, then one write statement that commits on its own (see confirmPick): no BEGIN/COMMIT round trips, unless an
      // Idempotency-Key has to be marked applied in the same transaction.
      return idempotencyPending() ? withTx(app.orm.em, confirm) : confirm(app.orm.em.fork());
    },
  );

  app.post(
    '/tasks/:taskId/lines/:lineId/short',
    {
      config: { roles: ['picker', 'supervisor'], idempotency: 'optional' },
      schema: {
        tags: ['picking'],
        summary: 'Report a short pick: how many were there; the rest is re-allocated or backordered, a count is raised',
        params: lineParams,
        body: shortBody,
        response: { 200: taskView, ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, (tx) => shortPick(tx, actorOf(req), req.params.taskId, req.params.lineId, req.body, app.clock, engine())),
  );

  app.post(
    '/tasks/:taskId/lines/:lineId/putback',
    {
      config: { roles: ['picker', 'receiver', 'supervisor'], idempotency: 'optional' },
      schema: {
        tags: ['picking'],
        summary: "Put a cancelled order's goods back: scan the location and the item",
        params: lineParams,
        body: z.object({
          locationScan: z.string().min(1).max(200),
          itemScan: z.string().min(1).max(400),
          qty: z.number().int().min(1).max(100_000),
        }),
        response: { 200: taskView, ...problems },
      },
    },
    async (req) =>
      withTx(app.orm.em, (tx) => confirmPutback(tx, actorOf(req), req.params.taskId, req.params.lineId, req.body, app.clock, engine())),
  );
}
