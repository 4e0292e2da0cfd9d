import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiClientCreated, createApiClientBody, createUserBody, userView } from '../../domain/identity/identity.schemas.js';
import { createApiClient, createUser, listUsers } from '../../domain/identity/identity.service.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

export async function userRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 409: problemSchema };

  app.get('/users', {
    config: { roles: ['supervisor'] },
    schema: { tags: ['identity'], summary: 'Users sharing a warehouse with the caller', response: { 200: z.object({ items: z.array(userView) }), ...problems } },
  }, async (req) => ({ items: await listUsers(app.orm.em.fork(), actorOf(req)) }));

  app.post('/users', {
    config: { roles: ['admin'] },
    schema: { tags: ['identity'], summary: 'Create a user', body: createUserBody, response: { 201: userView, ...problems } },
  }, async (req, reply) => {
    const actor = actorOf(req);
    for (const w of req.body.warehouseIds) assertWarehouse(actor, w, 'Warehouse', w);
    const u = await withTx(app.orm.em, (tx) => createUser(tx, req.body, actor));
    return reply.status(201).send({ ...u, active: true, hasBadge: Boolean(req.body.badgeCode) });
  });

  app.post('/api-clients', {
    config: { roles: ['admin'] },
    schema: { tags: ['identity'], summary: 'Create an integration API client (key shown once)', body: createApiClientBody, response: { 201: apiClientCreated, ...problems } },
  }, async (req, reply) => reply.status(201).send(await withTx(app.orm.em, (tx) => createApiClient(tx, req.body, actorOf(req)))));
}
