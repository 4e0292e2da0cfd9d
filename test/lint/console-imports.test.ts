import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The console shares the API's shapes by importing them from domain/ (no hand-kept copies), but
 * only from small schema/type modules: what it reaches must never pull in the live-ETA, at-risk or
 * routing code (its build and typecheck would then carry the solver).
 */
const root = process.cwd();
function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.tsx?$/.test(p)) yield p;
  }
}
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gms)].map((m) => m[1]!);
const resolveTs = (from: string, spec: string) =>
  [spec, spec.replace(/\.js$/, '.ts'), `${spec}.ts`, `${spec}.tsx`, `${spec}/index.ts`]
    .map((s) => resolve(dirname(from), s))
    .find((p) => existsSync(p) && statSync(p).isFile());

describe('console imports from domain/', () => {
  it('reach only schema and type modules, never live-eta, at-risk or routing', () => {
    const seen = new Set<string>();
    const queue = [...sources(join(root, 'web-console/src'))];
    while (queue.length) {
      const f = queue.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const spec of importsOf(f)) {
        const target = resolveTs(f, spec);
        if (target) queue.push(target);
      }
    }
    const domain = [...seen].map((f) => relative(root, f)).filter((f) => f.startsWith('domain/'));
    expect(domain).toContain('domain/dispatch/live.schemas.ts');
    expect(domain.filter((f) => /domain\/routing\/|live-eta|at-risk|live-state|board\.service/.test(f))).toEqual([]);
  });
});
