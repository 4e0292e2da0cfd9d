import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { relayedEventSchema } from '../../domain/events/catalogue.js';
import { eventsAfter, latestEvents } from '../../domain/events/event-log.js';
import { createWarehouseBody, postNoteBody, warehouseView } from '../../domain/layout/warehouse.schemas.js';
import { createWarehouse, getWarehouse, listWarehouses, postNote } from '../../domain/layout/warehouse.service.js';
import { withTx } from '../../platform/db.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const idParams = z.object({ warehouseId: z.uuid() });

export async function warehouseRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

  app.get(
    '/warehouses',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['layout'],
        summary: 'Warehouses the caller may see',
        response: { 200: z.object({ items: z.array(warehouseView) }), ...problems },
      },
    },
    async (req) => ({ items: await listWarehouses(app.orm.em.fork(), actorOf(req)) }),
  );

  app.get(
    '/warehouses/:warehouseId',
    {
      config: { roles: ['any'] },
      schema: { tags: ['layout'], params: idParams, response: { 200: warehouseView, ...problems } },
    },
    async (req) => getWarehouse(app.orm.em.fork(), actorOf(req), req.params.warehouseId),
  );

  app.post(
    '/warehouses',
    {
      config: { roles: ['admin'] },
      schema: { tags: ['layout'], body: createWarehouseBody, response: { 201: warehouseView, ...problems } },
    },
    async (req, reply) => reply.status(201).send(await withTx(app.orm.em, (tx) => createWarehouse(tx, actorOf(req), req.body))),
  );

  app.post(
    '/warehouses/:warehouseId/notes',
    {
      config: { roles: ['supervisor', 'dispatcher'] },
      schema: {
        tags: ['layout'],
        summary: 'Post a note to everyone in the warehouse (live event)',
        params: idParams,
        body: postNoteBody,
        response: { 201: z.object({ id: z.string(), createdAt: z.string() }), ...problems },
      },
    },
    // One statement that commits on its own (see postNote): no transaction around it.
    async (req, reply) => reply.status(201).send(await postNote(app.orm.em.fork(), actorOf(req), req.params.warehouseId, req.body.text)),
  );

  app.get(
    '/warehouses/:warehouseId/events',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['events'],
        summary: 'Sequenced domain events after a given seq (catch-up without a socket), or the newest few (`last`)',
        params: idParams,
        querystring: z.object({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          /** The newest `last` events after `after`, oldest first, instead of the oldest `limit`: a screen opened mid-shift. */
          last: z.coerce.number().int().min(1).max(1000).optional(),
        }),
        response: { 200: z.object({ items: z.array(relayedEventSchema), nextAfter: z.number().int() }), ...problems },
      },
    },
    async (req) => {
      const em = app.orm.em.fork();
      await getWarehouse(em, actorOf(req), req.params.warehouseId);
      const { after, limit, last } = req.query;
      const items = last
        ? await latestEvents(em, req.params.warehouseId, last, after)
        : await eventsAfter(em, req.params.warehouseId, after, limit);
      return { items, nextAfter: items.at(-1)?.seq ?? after };
    },
  );
}
