import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Import rules of issue 10's glue: what may not depend on what. */
const root = process.cwd();
function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) yield p;
  }
}
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import[^;]*?from '([^']+)'/gms)].map((m) => m[1]!);

describe('glue import rules', () => {
  it('workers/ never import api/ (the socket emitter lives in platform/)', () => {
    const bad = [...sources(join(root, 'workers'))].flatMap((f) =>
      importsOf(f)
        .filter((i) => /(^|\/)api\//.test(i))
        .map((i) => `${relative(root, f)} → ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('no worker imports another worker', () => {
    const bad = [...sources(join(root, 'workers'))]
      .filter((f) => f.endsWith('.worker.ts'))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => /\.worker\.js$/.test(i))
          .map((i) => `${relative(root, f)} → ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it.each(['catalog', 'layout'])('domain/%s does not depend on inventory/', (ctx) => {
    const bad = [...sources(join(root, 'domain', ctx))].flatMap((f) =>
      importsOf(f)
        .filter((i) => /(^|\/)inventory\//.test(i))
        .map((i) => `${relative(root, f)} → ${i}`),
    );
    expect(bad).toEqual([]);
  });
});
