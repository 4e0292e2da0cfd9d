import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { keyRing } from '../../domain/orders/secret-box.js';
import {
  addRateCard,
  carrierInput,
  importZoneChart,
  servicesOn,
  upsertCarrier,
  upsertCarrierAccount,
} from '../../domain/shipping/carrier.service.js';
import { rateCardUpload } from '../../domain/shipping/rate-card.schemas.js';
import { rateQuoteBody, rateQuoteResponse } from '../../domain/shipping/quote.schemas.js';
import { quoteRates } from '../../domain/shipping/quote.service.js';
import { carrierScorecards } from '../../domain/shipping/scorecard.service.js';
import { BadRequest } from '../../domain/shared/errors.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { csvBody } from '../csv-body.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const QUOTE = ['supervisor', 'dispatcher', 'packer'] as const;

/** Carriers, services, accounts, rate cards and zone charts as data; rate quotes. */
export async function carrierRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const ring = keyRing(app.config.SECRETS_KEY, app.config.orders.previousSecretKeys);
  // Zone charts arrive as CSV; the body stays a stream (no buffering of a large chart).
  app.addContentTypeParser(['text/csv', 'text/plain'], (_req, payload, done) => done(null, payload));

  app.post(
    '/rate-quotes',
    {
      config: { roles: QUOTE, scopes: ['shipments:read', 'shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'Quote every eligible service (each price line listed) and choose: cheapest meeting the promise date, else fastest',
        body: rateQuoteBody,
        response: { 200: rateQuoteResponse, ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      return quoteRates(app.orm.em.fork(), req.body, app.clock.now());
    },
  );

  app.get(
    '/carrier-scorecards',
    {
      config: { roles: ['supervisor', 'dispatcher'], scopes: ['shipments:read', 'shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary:
          'Carrier scorecards from tracking history for parcels that left in [from, to) (default: the last 30 days): on-time, first attempt, exceptions, damage, cost per parcel',
        querystring: z.object({
          warehouseId: z.uuid(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            carriers: z.array(
              z.object({
                carrierCode: z.string(),
                parcels: z.number().int(),
                delivered: z.number().int(),
                deliveredWithTarget: z.number().int(),
                onTime: z.number().int(),
                onTimeRate: z.number().nullable(),
                firstAttemptRate: z.number().nullable(),
                exceptionRate: z.number().nullable(),
                damageRate: z.number().nullable(),
                costPerParcelMinor: z.number().int().nullable(),
                currency: z.string().nullable(),
              }),
            ),
          }),
          ...problems,
        },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.query.warehouseId, 'Warehouse', req.query.warehouseId);
      const to = req.query.to ? new Date(req.query.to) : app.clock.now();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw new BadRequest('from must be before to', [{ path: 'querystring.from', message: 'not before to' }]);
      return carrierScorecards(app.orm.em.fork(), { warehouseId: req.query.warehouseId, from, to });
    },
  );

  app.get(
    '/carriers',
    {
      config: { roles: ['any'], scopes: ['shipments:read', 'shipments:write'] },
      schema: {
        tags: ['shipping'],
        summary: 'Active carriers and services with the rate card in force on a day (default today)',
        querystring: z.object({ day: z.iso.date().optional() }),
        response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }), ...problems },
      },
    },
    async (req) => ({
      items: (await servicesOn(app.orm.em.fork(), req.query.day ?? app.clock.now().toISOString().slice(0, 10))) as never[],
    }),
  );

  app.put(
    '/carriers/:code',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['shipping'],
        summary: 'Create or replace a carrier and its services (transit days per zone, cut-off, pickup and delivery days)',
        params: z.object({ code: z.string() }),
        body: carrierInput.omit({ code: true }),
        response: { 200: z.object({ id: z.string() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => upsertCarrier(tx, { ...req.body, code: req.params.code })),
  );

  app.put(
    '/carriers/:code/accounts',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['shipping'],
        summary: "A warehouse's account with a carrier; credentials and webhook secret are stored encrypted and never returned",
        params: z.object({ code: z.string() }),
        body: z.object({
          warehouseId: z.uuid(),
          accountNumber: z.string().min(1).max(60),
          credentials: z.string().min(1).max(4000).nullable().optional(),
          webhookSecret: z.string().min(16).max(200).nullable().optional(),
        }),
        response: { 200: z.object({ id: z.string() }), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.body.warehouseId, 'Warehouse', req.body.warehouseId);
      return withTx(app.orm.em, (tx) => upsertCarrierAccount(tx, ring, { ...req.body, carrier: req.params.code }));
    },
  );

  app.post(
    '/rate-cards',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['shipping'],
        summary: 'Add the next version of a service rate card (dated; earlier versions stay for history)',
        body: rateCardUpload,
        response: { 201: z.object({ id: z.string(), version: z.number().int() }), ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await withTx(app.orm.em, (tx) => addRateCard(tx, req.body))),
  );

  app.put(
    '/zone-charts/:code',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['shipping'],
        summary: 'Replace a zone chart from CSV (origin_prefix,dest_from,dest_to,zone; prefixes start with the country code)',
        params: z.object({ code: z.string().regex(/^[A-Za-z0-9-]{1,40}$/) }),
        response: { 200: z.object({ rows: z.number().int() }), ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => importZoneChart(tx, req.params.code, csvBody(req))),
  );
}
