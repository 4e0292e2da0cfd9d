import type { FastifyInstance } from 'fastify';

/** /v1 routes of the inventory area; the owning context registers its route plugins here. */
export async function inventoryRoutes(app: FastifyInstance): Promise<void> {
  void app;
}
