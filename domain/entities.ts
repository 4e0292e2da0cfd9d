import type { EntitySchema } from '@mikro-orm/core';
import { Warehouse } from './layout/warehouse.entity.js';

/**
 * Every MikroORM entity of every context. Hot paths use SQL through the EntityManager's
 * transaction (see shared/sql.ts) because they rely on row locks and CHECK constraints;
 * entities are declared with defineEntity where a context uses the unit of work.
 */
export const allEntities: EntitySchema[] = [Warehouse as unknown as EntitySchema];
