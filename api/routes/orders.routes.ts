import type { FastifyInstance } from 'fastify';

/** /v1 routes of the orders area; the owning context registers its route plugins here. */
export async function ordersRoutes(app: FastifyInstance): Promise<void> {
  void app;
}
