import type { FastifyInstance } from 'fastify';
import { packingRoutes } from './packing.routes.js';
import { pickingRoutes } from './picking.routes.js';
import { tasksRoutes } from './tasks.routes.js';

/** /v1 routes of the floor area: the task engine, waves and picking, packing. */
export async function floorRoutes(app: FastifyInstance): Promise<void> {
  await app.register(tasksRoutes);
  await app.register(pickingRoutes);
  await app.register(packingRoutes);
}
