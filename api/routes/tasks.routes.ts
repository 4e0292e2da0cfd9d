import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cancelBody,
  claimBody,
  completeBody,
  createTaskBody,
  exceptionBody,
  listTasksQuery,
  reassignBody,
  reprioritiseBody,
  taskView,
  workerProfileBody,
} from '../../domain/tasks/task.schemas.js';
import { claimNext, completeTask, getTask, heartbeat, raiseException, releaseTask } from '../../domain/tasks/task.service.js';
import {
  cancelTask,
  createTaskFor,
  listTasks,
  reassignTask,
  releaseExpiredLeases,
  reprioritiseTask,
  setWorkerProfile,
} from '../../domain/tasks/task.supervisor.js';
import { taskWithLines } from '../../domain/tasks/task.repo.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { plainJsonSerializer } from '../plain-json.js';

const taskParams = z.object({ taskId: z.uuid() });
const whParams = z.object({ warehouseId: z.uuid() });
const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const FLOOR = ['picker', 'packer', 'receiver', 'supervisor', 'dispatcher'] as const;
const SUPERVISE = ['supervisor'] as const;

/** The task engine over HTTP: claim-next for handhelds, supervisor controls, the task board. */
export async function tasksRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const engine = () => ({ leaseS: app.config.TASK_LEASE_S });

  app.post(
    '/tasks/claim',
    {
      config: { roles: FLOOR },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['tasks'],
        summary: 'Claim the next task (or get the one you hold); 204 when the pool has nothing for you',
        body: claimBody,
        response: { 200: taskView, 204: z.null(), ...problems },
      },
    },
    async (req, reply) => {
      // One statement that commits on its own (no BEGIN/COMMIT round trips): see claimNext.
      const t = await claimNext(app.orm.em.fork(), actorOf(req), req.body, app.clock, engine());
      return t ? t : reply.status(204).send(null);
    },
  );

  app.get(
    '/tasks/:taskId',
    {
      config: { roles: ['any'] },
      schema: { tags: ['tasks'], params: taskParams, response: { 200: taskView, ...problems } },
    },
    async (req) => getTask(app.orm.em.fork(), actorOf(req), req.params.taskId),
  );

  app.post(
    '/tasks/:taskId/heartbeat',
    {
      config: { roles: FLOOR },
      schema: {
        tags: ['tasks'],
        summary: 'Extend the lease of a task you hold',
        params: taskParams,
        response: { 200: z.object({ leaseExpiresAt: z.string() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => heartbeat(tx, actorOf(req), req.params.taskId, app.clock, engine())),
  );

  app.post(
    '/tasks/:taskId/complete',
    {
      config: { roles: FLOOR, idempotency: 'optional' },
      schema: {
        tags: ['tasks'],
        summary: 'Complete a task you hold (pick tasks complete by their last line)',
        params: taskParams,
        body: completeBody,
        response: { 200: taskView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => completeTask(tx, actorOf(req), req.params.taskId, req.body.qtyDone, app.clock, engine())),
  );

  app.post(
    '/tasks/:taskId/release',
    {
      config: { roles: FLOOR, idempotency: 'optional' },
      schema: {
        tags: ['tasks'],
        summary: 'Give a task you hold back to the pool',
        params: taskParams,
        response: { 200: taskView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => releaseTask(tx, actorOf(req), req.params.taskId, app.clock, engine())),
  );

  app.post(
    '/tasks/:taskId/exception',
    {
      config: { roles: FLOOR, idempotency: 'optional' },
      schema: {
        tags: ['tasks'],
        summary: 'Report an exception on a task (alerts the supervisor board)',
        params: taskParams,
        body: exceptionBody,
        response: { 200: taskView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => raiseException(tx, actorOf(req), req.params.taskId, req.body.code, req.body.detail)),
  );

  app.post(
    '/tasks/:taskId/reassign',
    {
      config: { roles: SUPERVISE },
      schema: {
        tags: ['tasks'],
        summary: 'Reserve a task for a person (null: back to everyone)',
        params: taskParams,
        body: reassignBody,
        response: { 200: taskView, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => reassignTask(tx, actorOf(req), req.params.taskId, req.body.userId)),
  );

  app.post(
    '/tasks/:taskId/reprioritise',
    {
      config: { roles: SUPERVISE },
      schema: { tags: ['tasks'], params: taskParams, body: reprioritiseBody, response: { 200: taskView, ...problems } },
    },
    async (req) => withTx(app.orm.em, (tx) => reprioritiseTask(tx, actorOf(req), req.params.taskId, req.body.priority)),
  );

  app.post(
    '/tasks/:taskId/cancel',
    {
      config: { roles: SUPERVISE },
      schema: { tags: ['tasks'], params: taskParams, body: cancelBody, response: { 200: taskView, ...problems } },
    },
    async (req) => withTx(app.orm.em, (tx) => cancelTask(tx, actorOf(req), req.params.taskId, req.body.reason)),
  );

  app.get(
    '/warehouses/:warehouseId/tasks',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['tasks'],
        summary: 'The task board (cursor-paginated, newest first)',
        params: whParams,
        querystring: listTasksQuery,
        response: { 200: z.object({ items: z.array(taskView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => listTasks(app.orm.em.fork(), actorOf(req), req.params.warehouseId, req.query),
  );

  app.post(
    '/warehouses/:warehouseId/tasks',
    {
      config: { roles: SUPERVISE },
      schema: {
        tags: ['tasks'],
        summary: 'Create a task (count, replenish, putaway, load…)',
        params: whParams,
        body: createTaskBody,
        response: { 201: taskView, ...problems },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      assertWarehouse(actor, req.params.warehouseId, 'Warehouse', req.params.warehouseId);
      const t = await withTx(app.orm.em, async (tx) => taskWithLines(tx, await createTaskFor(tx, actor, req.params.warehouseId, req.body)));
      return reply.status(201).send(t);
    },
  );

  app.post(
    '/warehouses/:warehouseId/tasks/release-expired',
    {
      config: { roles: SUPERVISE },
      schema: {
        tags: ['tasks'],
        summary: 'Return tasks whose lease ran out to the pool now (the worker does it every few seconds)',
        params: whParams,
        response: { 200: z.object({ released: z.array(z.string()) }), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.params.warehouseId, 'Warehouse', req.params.warehouseId);
      return { released: await withTx(app.orm.em, (tx) => releaseExpiredLeases(tx, app.clock, { warehouseId: req.params.warehouseId })) };
    },
  );

  app.put(
    '/users/:userId/worker-profile',
    {
      config: { roles: SUPERVISE },
      schema: {
        tags: ['tasks'],
        summary: "Set a worker's equipment and zones",
        params: z.object({ userId: z.uuid() }),
        body: workerProfileBody,
        response: { 204: z.null(), ...problems },
      },
    },
    async (req, reply) => {
      await withTx(app.orm.em, (tx) => setWorkerProfile(tx, actorOf(req), req.params.userId, req.body.equipment, req.body.zoneIds));
      return reply.status(204).send(null);
    },
  );
}
