/**
 * `--instances <file|dir> [more…]` for the benchmarks: the paths after the flag (space- or
 * comma-separated, up to the next `--flag`), and their expansion into files. A directory gives
 * its files in name order; the caller's loader then skips files that are not instances
 * (READMEs, SOURCES.md, solutions), so a data folder can be passed as it is.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The paths given after `--instances`, or [] when the flag is absent. */
export function instancesArg(argv: string[]): string[] {
  const at = argv.indexOf('--instances');
  if (at < 0) return [];
  const out: string[] = [];
  for (let i = at + 1; i < argv.length && !argv[i].startsWith('--'); i++) out.push(...argv[i].split(',').filter(Boolean));
  if (out.length === 0) throw new Error('--instances needs a file or a directory');
  return out;
}

/** Files named by the paths: a file as is, a directory as its (non-hidden) files, sorted. */
export function expandInstancePaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) {
        const full = join(abs, f);
        if (!f.startsWith('.') && statSync(full).isFile()) out.push(full);
      }
    } else out.push(abs);
  }
  return out;
}
