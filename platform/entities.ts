import type { EntitySchema } from '@mikro-orm/core';
import { catalogEntities } from '../domain/catalog/entities/index.js';
import { dispatchEntities } from '../domain/dispatch/entities/index.js';
import { eventsEntities } from '../domain/events/entities/index.js';
import { identityEntities } from '../domain/identity/entities/index.js';
import { inventoryEntities } from '../domain/inventory/entities/index.js';
import { layoutEntities } from '../domain/layout/entities/index.js';
import { ordersEntities } from '../domain/orders/entities/index.js';
import { packingEntities } from '../domain/packing/entities/index.js';
import { pickingEntities } from '../domain/picking/entities/index.js';
import { receivingEntities } from '../domain/receiving/entities/index.js';
import { shippingEntities } from '../domain/shipping/entities/index.js';
import { slottingEntities } from '../domain/slotting/entities/index.js';
import { tasksEntities } from '../domain/tasks/entities/index.js';
import { platformEntities } from './entities/index.js';

/**
 * Every MikroORM entity, registered in the ORM config (platform/db.ts). Each context defines the tables it owns in
 * `domain/<context>/entities/<table>.entity.ts` with `defineEntity`; test/foundation/schema-drift.test.ts checks that
 * together they describe exactly the schema the migrations build.
 */
export const allEntities: EntitySchema[] = [
  ...catalogEntities,
  ...dispatchEntities,
  ...eventsEntities,
  ...identityEntities,
  ...inventoryEntities,
  ...layoutEntities,
  ...ordersEntities,
  ...packingEntities,
  ...pickingEntities,
  ...receivingEntities,
  ...shippingEntities,
  ...slottingEntities,
  ...tasksEntities,
  ...platformEntities,
];
