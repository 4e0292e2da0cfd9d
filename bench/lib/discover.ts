/** Finding benchmark modules: every `bench/<name>/bench.ts`, in name order. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchEntry {
  name: string;
  path: string;
}

/** All `<benchDir>/<name>/bench.ts`; with `only`, just those names (unknown names throw). */
export function discoverBenchmarks(benchDir: string, only: string[] = []): BenchEntry[] {
  const all = readdirSync(benchDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'bench.ts')))
    .map((d) => ({ name: d.name, path: join(benchDir, d.name, 'bench.ts') }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (only.length === 0) return all;
  const unknown = only.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; found: ${all.map((e) => e.name).join(', ') || 'none'}`);
  return all.filter((e) => only.includes(e.name));
}
