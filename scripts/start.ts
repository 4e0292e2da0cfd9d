import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setPriority } from 'node:os';
import { loadConfig } from '../platform/config.js';
import { prepare } from './lib/prepare.js';
import { ROOT } from './lib/services.js';
import { DEMO_LOGINS } from './seed/identity.seed.js';

// `npm start`: setup (whatever is missing), then one process tree: API + workers, console served by the API.
const watch = process.argv.includes('--watch');
let env: NodeJS.ProcessEnv;
try {
  env = await prepare({ demoData: true });
} catch (err) {
  console.error(`[dockside] cannot start: ${(err as Error).message}`);
  process.exit(1);
}
const config = loadConfig(env);
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, file: string, niceness = 0): void {
  const child = spawn(tsx, [...(watch ? ['watch', '--clear-screen=false'] : []), file], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  // Background work yields the CPU to request handling: under a burst, acknowledgements stay fast
  // and the queue absorbs the processing (best effort; tsx re-execs node as a child that inherits it).
  if (niceness && child.pid) {
    try {
      setPriority(child.pid, niceness);
    } catch {}
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[dockside] ${name} exited (${signal ?? code}); stopping`);
    shutdown(1);
  });
}

function shutdown(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))).then(() => process.exit(code));
}

run('api', 'api/server.ts');
run('workers', 'workers/main.ts', 10);
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
const base = config.PUBLIC_URL ?? `http://${host}:${config.PORT}`;
const pad = (s: string) => s.padEnd(12);
setTimeout(() => {
  console.log(`
  Dockside is running${watch ? ' (watch mode)' : ''}
    console   ${base}/console/
    API docs  ${base}/docs
    health    ${base}/health/ready
  Demo logins (password = username${config.DEMO_DATA ? '' : '; demo data is off'}):
${DEMO_LOGINS.map((u) => `    ${pad(u.username)} ${pad(u.role)}${u.badge ? ` badge ${u.badge} PIN ${u.pin}` : ''}`).join('\n')}
  Stop with Ctrl+C.
`);
}, 1500);
