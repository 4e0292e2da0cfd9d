import { cursorParam } from '../../domain/shared/cursor.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  apiClientCreated,
  apiClientView,
  createApiClientBody,
  createUserBody,
  updateUserBody,
  userView,
} from '../../domain/identity/identity.schemas.js';
import { listApiClients, revokeApiClient, revokeUserSessions, updateUser } from '../../domain/identity/user-admin.service.js';
import { createApiClient, createUser, listUsers } from '../../domain/identity/identity.service.js';
import { withTx } from '../../platform/db.js';
import { listAudit } from '../../domain/identity/audit.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

export async function userRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 409: problemSchema };

  app.get(
    '/users',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['identity'],
        summary: 'Users sharing a warehouse with the caller',
        response: { 200: z.object({ items: z.array(userView) }), ...problems },
      },
    },
    async (req) => ({ items: await listUsers(app.orm.em.fork(), actorOf(req)) }),
  );

  app.post(
    '/users',
    {
      config: { roles: ['admin'] },
      schema: { tags: ['identity'], summary: 'Create a user', body: createUserBody, response: { 201: userView, ...problems } },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      for (const w of req.body.warehouseIds) assertWarehouse(actor, w, 'Warehouse', w);
      const u = await withTx(app.orm.em, (tx) => createUser(tx, req.body, actor));
      return reply.status(201).send({ ...u, active: true, hasBadge: Boolean(req.body.badgeCode) });
    },
  );

  app.get(
    '/audit',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['identity'],
        summary: 'Audit log: who did what, when, from which device (newest first)',
        querystring: z.object({
          cursor: cursorParam,
          limit: z.coerce.number().int().min(1).max(500).default(100),
          action: z.string().max(100).optional(),
          objectType: z.string().max(50).optional(),
          objectId: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actorType: z.string(),
                actorId: z.string().nullable(),
                action: z.string(),
                objectType: z.string().nullable(),
                objectId: z.string().nullable(),
                warehouseId: z.string().nullable(),
                deviceId: z.string().nullable(),
                ip: z.string().nullable(),
                details: z.record(z.string(), z.unknown()),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
          ...problems,
        },
      },
    },
    async (req) => listAudit(app.orm.em.fork(), actorOf(req), req.query),
  );

  app.post(
    '/api-clients',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['identity'],
        summary: 'Create an integration API client (key shown once)',
        body: createApiClientBody,
        response: { 201: apiClientCreated, ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await withTx(app.orm.em, (tx) => createApiClient(tx, req.body, actorOf(req)))),
  );

  const idParams = z.object({ id: z.uuid() });
  const userOut = (r: Record<string, any>) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    warehouseIds: r.warehouse_ids,
    active: r.active,
    hasBadge: r.badge_code !== null,
  });

  app.patch(
    '/users/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['identity'],
        summary: 'Change roles or warehouses, or disable/enable a user (older tokens stop working at once)',
        params: idParams,
        body: updateUserBody,
        response: { 200: userView, 404: problemSchema, 422: problemSchema, ...problems },
      },
    },
    async (req) => {
      const r = await withTx(app.orm.em, (tx) => updateUser(tx, actorOf(req), req.params.id, req.body));
      if (r.revoked) await app.userState.revoked(req.params.id);
      return userOut(r.row);
    },
  );

  app.post(
    '/users/:id/revoke-sessions',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['identity'],
        summary: 'Sign a user out everywhere: access tokens, refresh tokens and live sockets',
        params: idParams,
        response: { 204: z.null(), 404: problemSchema, ...problems },
      },
    },
    async (req, reply) => {
      await withTx(app.orm.em, (tx) => revokeUserSessions(tx, actorOf(req), req.params.id));
      await app.userState.revoked(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api-clients',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['identity'],
        summary: 'Integration API clients',
        response: { 200: z.object({ items: z.array(apiClientView) }), ...problems },
      },
    },
    async (req) => ({ items: await listApiClients(app.orm.em.fork(), actorOf(req)) }),
  );

  app.post(
    '/api-clients/:id/revoke',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['identity'],
        summary: 'Revoke an API client key (refused from its next request)',
        params: idParams,
        response: { 200: apiClientView, 404: problemSchema, ...problems },
      },
    },
    async (req) => withTx(app.orm.em, (tx) => revokeApiClient(tx, actorOf(req), req.params.id)),
  );
}
