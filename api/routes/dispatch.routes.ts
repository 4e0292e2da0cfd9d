import { cursorParam } from '../../domain/shared/cursor.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  assignRouteBody,
  createDriverBody,
  createPlanBody,
  createVehicleBody,
  driverView,
  moveStopBody,
  moveStopResult,
  planSummaryView,
  planView,
  reoptimizeBody,
  routeView,
  stopOutcomeBody,
  vehicleView,
} from '../../domain/dispatch/dispatch.schemas.js';
import { assignRoute, createDriver, createVehicle, listDrivers, listVehicles } from '../../domain/dispatch/fleet.service.js';
import { getPlan, getRoute, listPlans, myRoutes } from '../../domain/dispatch/plan-views.js';
import { requestCancel, requestPlan, requestReoptimize, type SolveRequest } from '../../domain/dispatch/plan.service.js';
import { completeStop, dispatchRoute, moveStopCommand } from '../../domain/dispatch/stop.service.js';
import { withTx } from '../../platform/db.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const PLANNERS = ['dispatcher', 'supervisor'] as const;
const idParams = z.object({ id: z.uuid() });
const page = { cursor: cursorParam, limit: z.coerce.number().int().min(1).max(200).default(50) };
const accepted = z.object({ id: z.string(), version: z.number().int(), status: z.string() });

/**
 * Delivery planning: route plans solved on the `routing` queue, re-optimisation with locked
 * stops, manual moves, dispatch, and the driver's stop outcomes.
 */
export async function dispatchRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const problems = {
    400: problemSchema,
    401: problemSchema,
    403: problemSchema,
    404: problemSchema,
    409: problemSchema,
    422: problemSchema,
  };
  // Enqueued after the commit; the job id (plan + version) makes a duplicate enqueue harmless.
  const enqueue = async (r: SolveRequest) => {
    await app.queues.add('routing', { planId: r.planId }, { jobId: r.jobId, attempts: 3 });
    return { id: r.planId, version: r.version, status: 'queued' };
  };

  app.post(
    '/route-plans',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Plan routes for a delivery day and depot (solved in the background)',
        body: createPlanBody,
        response: { 202: accepted, ...problems },
      },
    },
    async (req, reply) => reply.status(202).send(await enqueue(await withTx(app.orm.em, (tx) => requestPlan(tx, actorOf(req), req.body)))),
  );

  app.get(
    '/route-plans',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Route plans of a warehouse, newest first',
        querystring: z.object({
          warehouseId: z.uuid(),
          deliveryDate: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/)
            .optional(),
          ...page,
        }),
        response: { 200: z.object({ items: z.array(planSummaryView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => listPlans(app.orm.em.fork(), actorOf(req), req.query),
  );

  app.get(
    '/route-plans/:id',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'A plan with its routes, ordered stops, ETAs, loads, distance and duration',
        params: idParams,
        response: { 200: planView, ...problems },
      },
    },
    async (req) => getPlan(app.orm.em.fork(), actorOf(req), req.params.id),
  );

  app.post(
    '/route-plans/:id/cancel',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Stop a queued or running solve; nothing it found is stored (a re-optimisation keeps the routes it started from)',
        params: idParams,
        response: { 202: z.object({ id: z.string(), status: z.string(), cancelRequested: z.literal(true) }), ...problems },
      },
    },
    async (req, reply) => {
      const r = await withTx(app.orm.em, (tx) => requestCancel(tx, actorOf(req), req.params.id));
      return reply.status(202).send({ id: req.params.id, status: r.status, cancelRequested: true as const });
    },
  );

  app.post(
    '/route-plans/:id/reoptimize',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Re-solve keeping dispatched stops on their vehicles; broken vehicles hand their remaining stops back',
        params: idParams,
        body: reoptimizeBody,
        response: { 202: accepted, ...problems },
      },
    },
    async (req, reply) =>
      reply.status(202).send(await enqueue(await withTx(app.orm.em, (tx) => requestReoptimize(tx, actorOf(req), req.params.id, req.body)))),
  );

  app.post(
    '/route-plans/:id/move-stop',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary:
          'Move a stop to a route position, re-checked for capacity, time windows and shift; returns the cost change (dryRun previews)',
        params: idParams,
        body: moveStopBody,
        response: { 200: moveStopResult, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => moveStopCommand(tx, actorOf(req), req.params.id, req.body)),
  );

  app.post(
    '/routes/:id/dispatch',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Release a route to its driver (its stops become locked)',
        params: idParams,
        response: { 200: z.object({ id: z.string(), status: z.literal('dispatched'), stopsDispatched: z.number().int() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => dispatchRoute(tx, actorOf(req), req.params.id)),
  );

  app.get(
    '/routes/:id',
    {
      config: { roles: [...PLANNERS, 'driver'] },
      schema: {
        tags: ['dispatch'],
        summary: 'One route (drivers: only their own)',
        params: idParams,
        response: { 200: routeView, ...problems },
      },
    },
    async (req) => getRoute(app.orm.em.fork(), actorOf(req), req.params.id),
  );

  app.get(
    '/my/routes',
    {
      config: { roles: ['driver'] },
      schema: {
        tags: ['dispatch'],
        summary: "The signed-in driver's routes",
        querystring: z.object({
          deliveryDate: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/)
            .optional(),
        }),
        response: { 200: z.object({ items: z.array(routeView), nextCursor: z.null() }), ...problems },
      },
    },
    async (req) => ({ items: await myRoutes(app.orm.em.fork(), actorOf(req), req.query.deliveryDate), nextCursor: null }),
  );

  const outcome = z.object({ id: z.string(), status: z.enum(['delivered', 'failed']) });
  app.post(
    '/stops/:id/delivered',
    {
      config: { roles: [...PLANNERS, 'driver'], idempotency: 'optional' },
      schema: {
        tags: ['dispatch'],
        summary: 'Mark a stop delivered (emits shipment.delivered)',
        params: idParams,
        response: { 200: outcome, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => completeStop(tx, actorOf(req), req.params.id, { delivered: true })),
  );

  app.post(
    '/stops/:id/failed',
    {
      config: { roles: [...PLANNERS, 'driver'], idempotency: 'optional' },
      schema: {
        tags: ['dispatch'],
        summary: 'Mark a stop failed with a reason',
        params: idParams,
        body: stopOutcomeBody,
        response: { 200: outcome, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => completeStop(tx, actorOf(req), req.params.id, { delivered: false, reason: req.body.reason })),
  );

  app.post(
    '/vehicles',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Add a vehicle to the own fleet',
        body: createVehicleBody,
        response: { 201: vehicleView, ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await withTx(app.orm.em, (tx) => createVehicle(tx, actorOf(req), req.body))),
  );

  app.get(
    '/vehicles',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Vehicles of a warehouse',
        querystring: z.object({ warehouseId: z.uuid(), ...page }),
        response: { 200: z.object({ items: z.array(vehicleView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => listVehicles(app.orm.em.fork(), actorOf(req), req.query),
  );

  app.post(
    '/drivers',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Register a user with the driver role as a driver (optionally of a vehicle)',
        body: createDriverBody,
        response: { 201: driverView, ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await withTx(app.orm.em, (tx) => createDriver(tx, actorOf(req), req.body))),
  );

  app.get(
    '/drivers',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Drivers of a warehouse, by name',
        querystring: z.object({ warehouseId: z.uuid() }),
        response: { 200: z.object({ items: z.array(driverView), nextCursor: z.null() }), ...problems },
      },
    },
    async (req) => ({ items: await listDrivers(app.orm.em.fork(), actorOf(req), req.query.warehouseId), nextCursor: null }),
  );

  app.post(
    '/routes/:id/assign',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Give a planned route to a driver of its warehouse (null takes it away); a driver has one open route per plan',
        params: idParams,
        body: assignRouteBody,
        response: { 200: z.object({ id: z.string(), driverId: z.string().nullable() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => assignRoute(tx, actorOf(req), req.params.id, req.body.driverId)),
  );
}
