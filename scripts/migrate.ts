import './lib/dev-env.js';
import { loadConfig } from '../platform/config.js';
import { createOrm, migrate } from '../platform/db.js';

// `npm run migrate`: applies pending migrations to DATABASE_URL (setup does this too).
const orm = await createOrm(loadConfig());
try {
  const applied = await migrate(orm);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
} finally {
  await orm.close(true);
}
