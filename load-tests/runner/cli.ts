/**
 * `npm run load -- <name>`: runs load-tests/<name>.js with a real k6 when one is on PATH,
 * otherwise with the Dockside runner of the k6 API subset (engine.ts). Exit code as k6's.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.js';
import { runScript } from './engine.js';
import { findK6 } from './k6-binary.js';

async function main(): Promise<number> {
  const loadTestsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
  let args;
  try {
    args = parseArgs(process.argv.slice(2), loadTestsDir);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const k6 = args.forceBuiltin ? null : findK6();
  if (k6) {
    console.error(`load: running ${args.script} with k6 at ${k6}`);
    const child = spawn(k6, ['run', ...args.k6Flags, args.script], { stdio: 'inherit' });
    return new Promise((resolveCode) => child.on('exit', (code, signal) => resolveCode(code ?? (signal ? 128 : 1))));
  }
  console.error(`load: running ${args.script} with the Dockside k6-subset runner (no k6 on PATH)`);
  // k6 exposes the system environment in __ENV; --env values override it.
  const env = { ...(process.env as Record<string, string>), ...args.env };
  return runScript({ scriptPath: args.script, env, outJsonPath: args.outJsonPath });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
