import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverBenchmarks } from './discover.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'bench-discover-'));
  for (const d of ['routing', 'cartonization', 'lib', 'baselines', 'results']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'routing', 'bench.ts'), '');
  writeFileSync(join(root, 'cartonization', 'bench.ts'), '');
  writeFileSync(join(root, 'lib', 'figure.ts'), '');
  writeFileSync(join(root, 'run.ts'), '');
  return root;
}

describe('discoverBenchmarks', () => {
  it('finds every <dir>/bench.ts in name order and nothing else', () => {
    const root = tree();
    expect(discoverBenchmarks(root)).toEqual([
      { name: 'cartonization', path: join(root, 'cartonization', 'bench.ts') },
      { name: 'routing', path: join(root, 'routing', 'bench.ts') },
    ]);
  });

  it('selects by name and rejects unknown names', () => {
    const root = tree();
    expect(discoverBenchmarks(root, ['routing']).map((e) => e.name)).toEqual(['routing']);
    expect(() => discoverBenchmarks(root, ['nope'])).toThrow(/unknown benchmark\(s\): nope; found: cartonization, routing/);
  });

  it('finds the real harness self-check', () => {
    const benchDir = join(new URL('.', import.meta.url).pathname, '..');
    expect(discoverBenchmarks(benchDir).map((e) => e.name)).toContain('harness');
  });
});
