import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deviceIdSchema,
  deviceView,
  listDevices,
  localeSchema,
  registerDevice,
  registerDeviceBody,
  setUserLocale,
} from '../../domain/identity/device.service.js';
import { Forbidden } from '../../domain/shared/errors.js';
import { withTx } from '../../platform/db.js';
import { actorOf, assertWarehouse } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 422: problemSchema };

/** The handheld registry (devices register at sign-in) and the signed-in user's language. */
export async function deviceRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.put(
    '/devices/:deviceId',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['identity'],
        summary: 'Register this device (or rename it / move it to another warehouse); records the signed-in user as its last user',
        params: z.object({ deviceId: deviceIdSchema }),
        body: registerDeviceBody,
        response: { 200: deviceView, 201: deviceView, ...problems },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      if (actor.kind !== 'user') throw new Forbidden('Devices are registered by people signed in on them');
      const r = await withTx(app.orm.em, (tx) => registerDevice(tx, actor, req.params.deviceId, req.body, req.headers['user-agent']));
      return reply.status(r.created ? 201 : 200).send(r.device);
    },
  );

  app.get(
    '/warehouses/:warehouseId/devices',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['identity'],
        summary: 'Devices registered in a warehouse, most recently seen first (who used each last, and when)',
        params: z.object({ warehouseId: z.uuid() }),
        response: { 200: z.object({ items: z.array(deviceView) }), ...problems },
      },
    },
    async (req) => {
      assertWarehouse(actorOf(req), req.params.warehouseId, 'Warehouse', req.params.warehouseId);
      return { items: await listDevices(app.orm.em.fork(), req.params.warehouseId) };
    },
  );

  app.put(
    '/me/locale',
    {
      config: { roles: ['any'] },
      schema: {
        tags: ['identity'],
        summary: "Store the signed-in user's language; it comes back with every sign-in, on any device",
        body: z.object({ locale: localeSchema }),
        response: { 200: z.object({ locale: localeSchema }), ...problems },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      if (actor.kind !== 'user') throw new Forbidden('Only people have a language');
      await withTx(app.orm.em, (tx) => setUserLocale(tx, actor.id, req.body.locale));
      return { locale: req.body.locale };
    },
  );
}
