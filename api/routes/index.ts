import type { FastifyInstance } from 'fastify';
import { authRoutes } from './auth.routes.js';
import { userRoutes } from './users.routes.js';
import { warehouseRoutes } from './warehouses.routes.js';
import { inventoryRoutes } from './inventory.routes.js';
import { ordersRoutes } from './orders.routes.js';
import { floorRoutes } from './floor.routes.js';
import { routingRoutes } from './routing.routes.js';
import { shippingRoutes } from './shipping.routes.js';
import { inboundRoutes } from './inbound.routes.js';
import { deadLetterRoutes } from './dead-letters.routes.js';
import { putawayRoutes } from './putaway.routes.js';
import { slottingRoutes } from './slotting.routes.js';
import { deviceRoutes } from './devices.routes.js';

/** Every /v1 route module. Each route declares its roles in `config.roles`. */
export const routes: ((app: FastifyInstance) => Promise<void>)[] = [
  authRoutes,
  userRoutes,
  warehouseRoutes,
  inventoryRoutes,
  ordersRoutes,
  floorRoutes,
  routingRoutes,
  shippingRoutes,
  inboundRoutes,
  deadLetterRoutes,
  putawayRoutes,
  slottingRoutes,
  deviceRoutes,
];
