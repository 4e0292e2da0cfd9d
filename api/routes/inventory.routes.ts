import type { FastifyInstance } from 'fastify';
import { catalogRoutes } from './catalog.routes.js';
import { countRoutes } from './counts.routes.js';
import { layoutRoutes } from './layout.routes.js';
import { scanRoutes } from './scans.routes.js';
import { stockRoutes } from './stock.routes.js';

/** /v1 routes of the inventory area: catalog, layout, stock (ledger, reservations, holds, LPNs), counts, scans. */
export async function inventoryRoutes(app: FastifyInstance): Promise<void> {
  await app.register(catalogRoutes);
  await app.register(layoutRoutes);
  await app.register(stockRoutes);
  await app.register(countRoutes);
  await app.register(scanRoutes);
}
