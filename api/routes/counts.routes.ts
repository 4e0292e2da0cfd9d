import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  approveCount,
  countAccuracy,
  createCountTasks,
  getCountTask,
  listCountTasks,
  submitCount,
} from '../../domain/inventory/counts.service.js';
import { countTaskView, createCountsBody, pageOf, pageQuery, submitCountBody } from '../../domain/inventory/inventory.schemas.js';
import { NotFound } from '../../domain/shared/errors.js';
import { sqlOne } from '../../domain/shared/sql.js';
import type { Actor } from '../../domain/shared/roles.js';
import type { EntityManager } from '../../platform/db.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import type { CountTaskRow } from '../../domain/inventory/entities/count-task.entity.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const seesExpected = (a: Actor) => a.roles.includes('admin') || a.roles.includes('supervisor');

async function guard(em: EntityManager, actor: Actor, id: string) {
  const t = await sqlOne<Pick<CountTaskRow, 'warehouse_id'>>(em, 'select warehouse_id from count_task where id = ?', [id]);
  if (!t) throw new NotFound('Count task', id);
  assertWarehouse(actor, t.warehouse_id, 'Count task', id);
}

/** /v1/counts: cycle count tasks, blind counting, recount, approval and the accuracy KPI. */
export async function countRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/counts',
    {
      config: { roles: ['supervisor'], idempotency: 'optional' },
      schema: {
        tags: ['counts'],
        summary: 'Create cycle count tasks by location, by SKU or from the ABC schedule',
        body: createCountsBody,
        response: { 201: z.object({ items: z.array(countTaskView) }), ...problems },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      assertWarehouse(actor, req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      const items = await withTx(app.orm.em, (tx) =>
        createCountTasks(tx, { ...req.body, userId: actor.kind === 'user' ? actor.id : undefined, today: app.clock.now() }),
      );
      return reply.status(201).send({ items });
    },
  );

  app.get(
    '/counts',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['counts'],
        querystring: z.object({
          warehouseId: z.uuid(),
          status: z.enum(['open', 'recount', 'pending_approval', 'completed', 'rejected', 'cancelled']).optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(countTaskView), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return listCountTasks(app.orm.em.fork(), req.query);
    },
  );

  app.get(
    '/counts/accuracy',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['counts'],
        summary: 'Inventory record accuracy over completed counts',
        querystring: z.object({
          warehouseId: z.uuid(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({
            tasks: z.number(),
            records: z.number(),
            exactRecords: z.number(),
            recordAccuracyPct: z.number(),
            qtyAccuracyPct: z.number(),
          }),
          ...problems,
        },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      return countAccuracy(app.orm.em.fork(), req.query);
    },
  );

  app.get(
    '/counts/:id',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['counts'],
        summary: 'A count task; expected quantities are hidden from counters on blind counts',
        params: z.object({ id: z.uuid() }),
        response: { 200: countTaskView, ...problems },
      },
    },
    async (req) => {
      const em = app.orm.em.fork();
      const actor = actorOf(req);
      await guard(em, actor, req.params.id);
      return getCountTask(em, req.params.id, { showExpected: seesExpected(actor) });
    },
  );

  app.post(
    '/counts/:id/submit',
    {
      config: { roles: ['supervisor', 'receiver', 'picker', 'packer'], idempotency: 'optional' },
      schema: {
        tags: ['counts'],
        summary: 'Submit what was counted at the location (unreported records count as 0)',
        params: z.object({ id: z.uuid() }),
        body: submitCountBody,
        response: { 200: countTaskView, ...problems },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return withTx(app.orm.em, async (tx) => {
        await guard(tx, actor, req.params.id);
        return submitCount(tx, req.params.id, req.body.lines, {
          userId: actor.kind === 'user' ? actor.id : undefined,
          deviceId: actor.deviceId,
        });
      });
    },
  );

  app.post(
    '/counts/:id/approve',
    {
      config: { roles: ['supervisor'], idempotency: 'optional' },
      schema: {
        tags: ['counts'],
        summary: 'Approve (post adjustments) or reject a count still over tolerance after recount',
        params: z.object({ id: z.uuid() }),
        body: z.object({ approve: z.boolean() }),
        response: { 200: countTaskView, ...problems },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      return withTx(app.orm.em, async (tx) => {
        await guard(tx, actor, req.params.id);
        return approveCount(tx, req.params.id, req.body.approve, actor.kind === 'user' ? actor.id : null);
      });
    },
  );
}
