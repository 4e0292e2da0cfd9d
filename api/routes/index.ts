import type { FastifyInstance } from 'fastify';
import { authRoutes } from './auth.routes.js';
import { userRoutes } from './users.routes.js';
import { warehouseRoutes } from './warehouses.routes.js';

/** Every /v1 route module. Each route declares its roles in `config.roles`. */
export const routes: ((app: FastifyInstance) => Promise<void>)[] = [authRoutes, userRoutes, warehouseRoutes];
