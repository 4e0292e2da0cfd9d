#!/usr/bin/env node
// Plain JavaScript on purpose: it runs before dependencies (and tsx) are installed.
// Usage: node scripts/bootstrap.mjs <setup|start|test|dev> [args...]
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(
    `Dockside needs Node.js 20 or newer; this is ${process.version}. Install it from https://nodejs.org or with your package manager.`,
  );
  process.exit(1);
}

const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale =
  !existsSync(join(root, 'node_modules', '.bin', 'tsx')) ||
  !existsSync(marker) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  console.log('[dockside] installing dependencies (npm ci)…');
  const r = spawnSync('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const [cmd = 'setup', ...args] = process.argv.slice(2);
const script = { setup: 'scripts/setup.ts', start: 'scripts/start.ts', dev: 'scripts/start.ts', test: 'scripts/test.ts' }[cmd];
if (!script) {
  console.error(`unknown command ${cmd}`);
  process.exit(2);
}
// `npm start`/`dev`/`setup` are the local development commands and `npm test` the test run: say so explicitly,
// because the servers treat an unset NODE_ENV as production (real secrets required, no demo data).
process.env.NODE_ENV ??= cmd === 'test' ? 'test' : 'development';
const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [script, ...(cmd === 'dev' ? ['--watch'] : []), ...args], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
