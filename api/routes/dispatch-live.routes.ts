import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applyFix, getBoard } from '../../domain/dispatch/board.service.js';
import {
  applyFixBody,
  arriveBody,
  boardView,
  deliveredBody,
  failedBody,
  podPolicyBody,
  positionBody,
} from '../../domain/dispatch/live.schemas.js';
import { arriveAtStop, podPolicyOf, proofsOf, recordOutcome, setPodPolicy, startRoute } from '../../domain/dispatch/live.service.js';
import type { LiveDeps } from '../../domain/dispatch/notices.js';
import { getTracking } from '../../domain/dispatch/tracking.service.js';
import { metricsCsv } from '../../domain/dispatch/metrics.js';
import { metricsFor } from '../../domain/dispatch/metrics.service.js';
import { withTx } from '../../platform/db.js';
import { idempotencyContext } from '../../platform/idempotency-context.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { dateOnly } from '../../domain/dispatch/dispatch.schemas.js';

const PLANNERS = ['dispatcher', 'supervisor'] as const;
const idParams = z.object({ id: z.uuid() });

/**
 * The live delivery day: driver pings, route start, arrival, outcomes with proof of delivery, the
 * dispatcher's board with live ETAs and the at-risk queue, and the customer's tracking page data.
 */
export async function dispatchLiveRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const problems = {
    400: problemSchema,
    401: problemSchema,
    403: problemSchema,
    404: problemSchema,
    409: problemSchema,
    422: problemSchema,
  };
  // Tracking links point at the console's page; PUBLIC_URL wins over the request's own origin.
  const deps = (req: FastifyRequest): LiveDeps => ({
    now: app.clock.now(),
    trackingBase: `${(app.config.PUBLIC_URL ?? `${req.protocol}://${req.host}`).replace(/\/$/, '')}/console/#/track/`,
  });

  app.post(
    '/vehicles/:id/positions',
    {
      // Queued pings replay from the phone's offline queue with their Idempotency-Key.
      config: { roles: [...PLANNERS, 'driver'], idempotency: 'optional' },
      schema: {
        tags: ['dispatch'],
        summary:
          "A driver's position ping: pushed live to the warehouse and route rooms at once (Socket.IO `telemetry`), then stored and turned into customer notices",
        params: idParams,
        body: positionBody,
        response: { 201: z.object({ id: z.string(), routeId: z.string().nullable(), notices: z.number().int() }), ...problems },
      },
    },
    async (req, reply) => {
      const idem = idempotencyContext.getStore();
      const stored = await app.positions.report(actorOf(req), req.params.id, req.body, deps(req).trackingBase, idem);
      return reply.status(201).send(stored);
    },
  );

  app.post(
    '/routes/:id/start',
    {
      config: { roles: [...PLANNERS, 'driver'], idempotency: 'optional' },
      schema: {
        tags: ['dispatch'],
        summary: 'The driver leaves the depot: every remaining customer is told their ETA',
        params: idParams,
        response: { 200: z.object({ id: z.string(), started: z.literal(true), notices: z.number().int() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => startRoute(tx, actorOf(req), req.params.id, deps(req))),
  );

  app.post(
    '/stops/:id/arrive',
    {
      config: { roles: [...PLANNERS, 'driver'], idempotency: 'optional' },
      schema: {
        tags: ['dispatch'],
        summary: 'The driver is at the stop (distance from the stop recorded)',
        params: idParams,
        body: arriveBody,
        response: { 200: z.object({ id: z.string(), arrivedAt: z.string(), distanceM: z.number().nullable() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => arriveAtStop(tx, actorOf(req), req.params.id, req.body, deps(req))),
  );

  const outcome = z.object({
    id: z.string(),
    status: z.enum(['delivered', 'failed']),
    proofId: z.string().nullable(),
    distanceM: z.number().nullable(),
    returnId: z.string().nullable(),
    /** The expected inbound ASN of a returning parcel (when its order lists what is in it). */
    returnAsnId: z.string().nullable(),
  });
  app.post(
    '/stops/:id/deliver',
    {
      config: { roles: [...PLANNERS, 'driver'], idempotency: 'optional' },
      schema: {
        tags: ['dispatch'],
        summary: "Delivered with proof (photo, signature, recipient name, notes) as the delivery method's policy demands",
        params: idParams,
        body: deliveredBody,
        response: { 200: outcome, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => recordOutcome(tx, actorOf(req), req.params.id, { delivered: true, ...req.body }, deps(req))),
  );

  app.post(
    '/stops/:id/fail',
    {
      config: { roles: [...PLANNERS, 'driver'], idempotency: 'optional' },
      schema: {
        tags: ['dispatch'],
        summary: 'Failed with a reason code (and optional proof); a returning parcel is expected back at the warehouse',
        params: idParams,
        body: failedBody,
        response: { 200: outcome, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => recordOutcome(tx, actorOf(req), req.params.id, { delivered: false, ...req.body }, deps(req))),
  );

  const proofView = z.object({
    id: z.string(),
    outcome: z.string(),
    photo: z.string().nullable(),
    signature: z.string().nullable(),
    recipientName: z.string().nullable(),
    notes: z.string().nullable(),
    distanceM: z.number().nullable(),
    capturedAt: z.string(),
  });
  app.get(
    '/stops/:id/proofs',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Proofs of delivery of a stop, with their distance from the stop at capture',
        params: idParams,
        response: { 200: z.object({ items: z.array(proofView), nextCursor: z.null() }), ...problems },
      },
    },
    async (req) => ({ items: await proofsOf(app.orm.em.fork(), actorOf(req), req.params.id), nextCursor: null }),
  );

  const policyParams = z.object({ warehouseId: z.uuid(), method: z.string().regex(/^[a-z0-9_-]{1,40}$/) });
  app.get(
    '/warehouses/:warehouseId/pod-policies/:method',
    {
      config: { roles: [...PLANNERS, 'driver'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Proof-of-delivery policy of a delivery method (each item required, optional or off)',
        params: policyParams,
        response: { 200: podPolicyBody, ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.params.warehouseId, 'Warehouse', req.params.warehouseId);
      return podPolicyOf(app.orm.em.fork(), req.params.warehouseId, req.params.method);
    },
  );
  app.put(
    '/warehouses/:warehouseId/pod-policies/:method',
    {
      config: { roles: ['supervisor', 'dispatcher'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Set the proof-of-delivery policy of a delivery method',
        params: policyParams,
        body: podPolicyBody,
        response: { 200: podPolicyBody.extend({ warehouseId: z.string(), deliveryMethod: z.string() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => setPodPolicy(tx, actorOf(req), req.params.warehouseId, req.params.method, req.body)),
  );

  app.get(
    '/dispatch/board',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: "The day's live board: routes, stops with live ETAs, positions, GPS-stale flags and the at-risk queue with fixes",
        querystring: z.object({ warehouseId: z.uuid(), deliveryDate: dateOnly.optional(), planId: z.uuid().optional() }),
        response: { 200: boardView, ...problems },
      },
    },
    async (req) => getBoard(app.orm.em.fork(), actorOf(req), req.query, app.clock.now()),
  );

  app.post(
    '/dispatch/at-risk/apply',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary: 'Commit an at-risk fix as previewed (new remaining order of each touched route)',
        body: applyFixBody,
        response: { 200: z.object({ applied: z.literal(true), routeIds: z.array(z.string()) }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => applyFix(tx, actorOf(req), req.body, deps(req))),
  );

  app.get(
    '/dispatch/metrics',
    {
      config: { roles: PLANNERS },
      schema: {
        tags: ['dispatch'],
        summary:
          'Service metrics over a time range from the event history: on-time, first attempt, damage, cost per parcel, carrier scorecards, picking, dock-to-stock, inventory accuracy, backlog by wave, CO2e (format=csv exports)',
        querystring: z
          .object({
            warehouseId: z.uuid(),
            from: z.iso.datetime({ offset: true }),
            to: z.iso.datetime({ offset: true }),
            format: z.enum(['json', 'csv']).default('json'),
          })
          .refine((q) => Date.parse(q.to) > Date.parse(q.from) && Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
            message: 'to must be after from, at most a year later',
            path: ['to'],
          }),
        response: { 200: z.unknown(), ...problems },
      },
    },
    async (req, reply) => {
      const m = await metricsFor(app.orm.em.fork(), actorOf(req), {
        warehouseId: req.query.warehouseId,
        from: new Date(req.query.from),
        to: new Date(req.query.to),
      });
      if (req.query.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="metrics-${req.query.from.slice(0, 10)}-${req.query.to.slice(0, 10)}.csv"`)
          .send(metricsCsv(m));
      return m;
    },
  );

  app.get(
    '/track/:token',
    {
      config: { public: true },
      schema: {
        tags: ['dispatch'],
        summary: "A customer's tracking page data (no sign-in: the link's token is the key)",
        params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) }),
        response: {
          200: z.object({
            status: z.string(),
            trackingNumber: z.string().nullable(),
            windowStartS: z.number().nullable(),
            windowEndS: z.number().nullable(),
            etaAt: z.string().nullable(),
            stopsBefore: z.number().int().nullable(),
            completedAt: z.string().nullable(),
            failureCode: z.string().nullable(),
          }),
          ...problems,
        },
      },
    },
    async (req) => getTracking(app.orm.em.fork(), req.params.token, app.clock.now()),
  );
}
