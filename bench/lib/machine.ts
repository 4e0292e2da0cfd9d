/** Where a figure was measured: the commit and the machine. */
import { execFileSync } from 'node:child_process';
import { cpus, hostname } from 'node:os';

/** `git rev-parse --short HEAD`, or 'unknown' outside a repository. */
export function currentCommit(cwd = process.cwd()): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** hostname, CPU model and core count, e.g. "box1 Intel(R) Xeon(R) … x2". */
export function machineDescription(): string {
  const list = cpus();
  const model = (list[0]?.model ?? 'unknown cpu').replace(/\s+/g, ' ').trim();
  return `${hostname()} ${model} x${list.length}`;
}
