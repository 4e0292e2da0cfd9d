import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, embeddedPgCtl } from './lib/services.js';

// Stops the servers that setup started in .data/ (never touches system services).
const pgDir = join(DATA_DIR, 'pg');
if (existsSync(join(pgDir, 'postmaster.pid'))) {
  const bin = await embeddedPgCtl();
  const asPostgres = process.getuid?.() === 0 ? ['su', 'postgres', '-s', '/bin/sh', '-c'] : ['sh', '-c'];
  spawnSync(asPostgres[0]!, [...asPostgres.slice(1), `'${bin}' -D '${pgDir}' -m fast stop`], { stdio: 'inherit' });
}
spawnSync('redis-cli', ['-p', '6390', 'shutdown', 'nosave'], { stdio: 'ignore' });
console.log('stopped local services in .data/');
