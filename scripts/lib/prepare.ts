import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../platform/config.js';
import { createOrm, migrate } from '../../platform/db.js';
import { ensureDatabase, ensureServices, ROOT } from './services.js';

const say = (m: string) => console.log(`[dockside] ${m}`);

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the web console when its dist is missing or older than its sources. */
export function buildConsoleIfStale(): void {
  const src = join(ROOT, 'web-console');
  const dist = join(src, 'dist', 'index.html');
  if (!existsSync(join(src, 'index.html'))) return;
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(src)) return;
  say('building the web console…');
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', 'web-console', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('web console build failed');
}

/** Everything `npm run setup` does; `npm start` and `npm test` call it too. Returns the env to run with. */
export async function prepare(opts: { demoData: boolean }): Promise<NodeJS.ProcessEnv> {
  const services = await ensureServices(say);
  const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl };
  await ensureDatabase(services.databaseUrl);
  const config = loadConfig(env);
  const orm = await createOrm(config);
  try {
    const applied = await migrate(orm);
    if (applied.length) say(`applied ${applied.length} migration(s)`);
    if (opts.demoData && config.DEMO_DATA) {
      const { seedDemo } = await import('../seed-demo.js');
      const seeded = await seedDemo(orm.em.fork());
      if (seeded) say('loaded demo data');
    }
  } finally {
    await orm.close(true);
  }
  buildConsoleIfStale();
  return env;
}
