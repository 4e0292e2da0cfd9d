import './lib/dev-env.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { seedIdentity } from './seed/identity.seed.js';
import { seedLayout } from './seed/layout.seed.js';
import { seedCatalog } from './seed/catalog.seed.js';
import { seedStock } from './seed/stock.seed.js';
import { seedOrders } from './seed/orders.seed.js';
import { seedFloor } from './seed/floor.seed.js';
import { seedDispatch } from './seed/dispatch.seed.js';
import { seedDemoShipping } from './seed/shipping.seed.js';

/** Seeders in dependency order; each is idempotent and returns whether it wrote anything. */
const seeders: ((em: EntityManager) => Promise<boolean>)[] = [
  seedIdentity,
  seedLayout,
  seedCatalog,
  seedStock,
  seedOrders,
  seedFloor,
  seedDispatch,
  seedDemoShipping,
];

/** Loads the deterministic demo data set (never in production: config refuses DEMO_DATA there). */
export async function seedDemo(em: EntityManager): Promise<boolean> {
  let any = false;
  for (const s of seeders) any = (await em.transactional((tx) => s(tx))) || any;
  return any;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadConfig } = await import('../platform/config.js');
  const { createOrm } = await import('../platform/db.js');
  const orm = await createOrm(loadConfig());
  console.log((await seedDemo(orm.em.fork())) ? 'demo data loaded' : 'demo data already present');
  await orm.close();
}
