import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureServices, ROOT } from './lib/services.js';
import { buildConsoleIfStale } from './lib/prepare.js';
import { ensureChromium } from './lib/browser.js';

// `npm test`: reach or start Postgres/Redis, lint + type-check, then the whole vitest suite.
const args = process.argv.slice(2);
const bin = (n: string) => join(ROOT, 'node_modules', '.bin', n);
try {
  const s = await ensureServices((m) => console.log(`[dockside] ${m}`));
  process.env.DATABASE_URL = s.databaseUrl;
  process.env.REDIS_URL = s.redisUrl;
  buildConsoleIfStale();
  ensureChromium((m) => console.log(`[dockside] ${m}`));
} catch (err) {
  console.error(`[dockside] cannot run tests: ${(err as Error).message}`);
  process.exit(1);
}

if (!args.includes('--no-lint')) {
  console.log('[dockside] lint (eslint), formatting (prettier) and type-check (tsc: server, then web console)…');
  for (const [cmd, cmdArgs] of [
    [bin('eslint'), ['.']],
    [bin('prettier'), ['--check', '.', '--log-level', 'warn']],
    [bin('tsc'), ['-p', '.']],
    [bin('tsc'), ['-p', 'web-console/tsconfig.json']],
  ] as const) {
    const r = spawnSync(cmd, [...cmdArgs], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
const r = spawnSync(bin('vitest'), ['run', ...args.filter((a) => a !== '--no-lint')], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() },
});
process.exit(r.status ?? 1);
