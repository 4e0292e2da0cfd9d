import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../domain/inventory/inventory.schemas.js';
import { locationLabel } from '../../domain/layout/location-label.js';
import {
  LOCATION_TYPES,
  createLocation,
  createRackRun,
  createZone,
  getLocation,
  listLocations,
  listZones,
  locationInput,
  locationView,
  rackRunInput,
  zoneInput,
  zoneView,
} from '../../domain/layout/location.service.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const whParams = z.object({ warehouseId: z.uuid() });

/** /v1/warehouses/:warehouseId/{zones,locations}: layout, rack-run creation, printable location labels. */
export async function layoutRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const scope = (req: Parameters<typeof actorOf>[0], warehouseId: string) =>
    assertWarehouse(actorOf(req), warehouseId, 'Warehouse', warehouseId);

  app.get(
    '/warehouses/:warehouseId/zones',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['layout'],
        params: whParams,
        response: { 200: z.object({ items: z.array(zoneView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      scope(req, req.params.warehouseId);
      return { items: await listZones(app.orm.em.fork(), req.params.warehouseId), nextCursor: null };
    },
  );

  app.post(
    '/warehouses/:warehouseId/zones',
    {
      config: { roles: ['supervisor'] },
      schema: { tags: ['layout'], params: whParams, body: zoneInput, response: { 201: zoneView, ...problems } },
    },
    async (req, reply) => {
      scope(req, req.params.warehouseId);
      return reply.status(201).send(await withTx(app.orm.em, (tx) => createZone(tx, req.params.warehouseId, req.body)));
    },
  );

  app.get(
    '/warehouses/:warehouseId/locations',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['layout'],
        params: whParams,
        querystring: z.object({
          type: z.enum(LOCATION_TYPES).optional(),
          zoneId: z.uuid().optional(),
          aisle: z.string().optional(),
          prefix: z.string().max(32).optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(locationView), ...problems },
      },
    },
    async (req) => {
      scope(req, req.params.warehouseId);
      return listLocations(app.orm.em.fork(), { warehouseId: req.params.warehouseId, ...req.query });
    },
  );

  app.post(
    '/warehouses/:warehouseId/locations',
    {
      config: { roles: ['supervisor'] },
      schema: { tags: ['layout'], params: whParams, body: locationInput, response: { 201: locationView, ...problems } },
    },
    async (req, reply) => {
      scope(req, req.params.warehouseId);
      return reply.status(201).send(await withTx(app.orm.em, (tx) => createLocation(tx, req.params.warehouseId, req.body)));
    },
  );

  app.post(
    '/warehouses/:warehouseId/locations/rack-run',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['layout'],
        summary: 'Create a rack run from a pattern like A-01..20-01..05-01..04, with plan coordinates',
        params: whParams,
        body: rackRunInput,
        response: { 201: z.object({ count: z.number(), first: z.string(), last: z.string() }), ...problems },
      },
    },
    async (req, reply) => {
      scope(req, req.params.warehouseId);
      const actor = actorOf(req);
      return reply.status(201).send(await withTx(app.orm.em, (tx) => createRackRun(tx, req.params.warehouseId, req.body, actor.id)));
    },
  );

  app.get(
    '/warehouses/:warehouseId/locations/:idOrCode',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['layout'],
        params: whParams.extend({ idOrCode: z.string().min(1).max(64) }),
        response: { 200: locationView, ...problems },
      },
    },
    async (req) => {
      scope(req, req.params.warehouseId);
      return getLocation(app.orm.em.fork(), req.params.warehouseId, req.params.idOrCode);
    },
  );

  app.get(
    '/warehouses/:warehouseId/locations/:idOrCode/label',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['layout'],
        summary: 'Location label: Code 128 barcode of the code (SVG or PNG)',
        params: whParams.extend({ idOrCode: z.string().min(1).max(64) }),
        querystring: z.object({ format: z.enum(['svg', 'png']).default('svg') }),
        response: { 200: z.any(), ...problems },
      },
    },
    async (req, reply) => {
      scope(req, req.params.warehouseId);
      const loc = await getLocation(app.orm.em.fork(), req.params.warehouseId, req.params.idOrCode);
      const label = await locationLabel(loc.code, req.query.format);
      return reply.type(label.contentType).header('cache-control', 'public, max-age=86400').send(label.body);
    },
  );
}
