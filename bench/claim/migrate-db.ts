/** Migrates the database named by DATABASE_URL (used to prepare a scratch database for the picker load test). */
import '../../scripts/lib/dev-env.js';
import { loadConfig } from '../../platform/config.js';
import { createOrm, migrate } from '../../platform/db.js';

const orm = await createOrm(loadConfig());
console.log(`applied ${(await migrate(orm)).length} migration(s)`);
await orm.close(true);
