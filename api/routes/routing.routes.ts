import type { FastifyInstance } from 'fastify';
import { dispatchRoutes } from './dispatch.routes.js';
import { dispatchLiveRoutes } from './dispatch-live.routes.js';

/** /v1 routes of the routing area; the owning context registers its route plugins here. */
export async function routingRoutes(app: FastifyInstance): Promise<void> {
  await app.register(dispatchRoutes);
  await app.register(dispatchLiveRoutes);
}
