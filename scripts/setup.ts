import { prepare } from './lib/prepare.js';

try {
  const env = await prepare({ demoData: true });
  console.log(`[dockside] ready: PostgreSQL ${new URL(env.DATABASE_URL!).host}, Redis ${new URL(env.REDIS_URL!).host}. Next: npm start`);
} catch (err) {
  console.error(`[dockside] setup failed: ${(err as Error).message}`);
  process.exit(1);
}
