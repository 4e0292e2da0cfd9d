import type { FastifyInstance } from 'fastify';

/** /v1 routes of the floor area; the owning context registers its route plugins here. */
export async function floorRoutes(app: FastifyInstance): Promise<void> {
  void app;
}
