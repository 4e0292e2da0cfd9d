import type { FastifyInstance } from 'fastify';
import { tasksRoutes } from './tasks.routes.js';

/** /v1 routes of the floor area; the owning context registers its route plugins here. */
export async function floorRoutes(app: FastifyInstance): Promise<void> {
  await app.register(tasksRoutes);
}
