import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every status change goes through its lifecycle: outside the owner's move function, no code writes the status
 * column of a lifecycle table unless the statement carries the lifecycle's own guard (`…Lifecycle.fromSql(…)`,
 * used where a move is one step of a larger single-round-trip statement).
 */
const owners: Record<string, string[]> = {
  sales_order: ['domain/shared/lifecycle.ts'],
  task: ['domain/tasks/task-status.ts'],
  shipment: ['domain/shared/lifecycle.ts'],
  wave: ['domain/shared/lifecycle.ts'],
  pack_session: ['domain/shared/lifecycle.ts'],
  route_plan: ['domain/shared/lifecycle.ts'],
  asn: ['domain/shared/lifecycle.ts'],
};

const root = process.cwd();
function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) yield p;
  }
}

describe('status writes go through the lifecycle', () => {
  it.each(Object.entries(owners))('%s.status is written only by its lifecycle', (table, allowed) => {
    const offenders: string[] = [];
    const write = new RegExp(`update\\s+${table}\\s+(?:\\w+\\s+)?set\\s+(?:(?!\\bwhere\\b)[^\`'"])*?(?<![.\\w])status\\s*=`, 'gi');
    for (const dir of ['domain', 'api', 'workers', 'platform']) {
      for (const file of sources(join(root, dir))) {
        const rel = relative(root, file);
        if (allowed.includes(rel)) continue;
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(write)) {
          const statement = text.slice(m.index, text.indexOf('`', m.index + m[0].length));
          if (!/Lifecycle\.fromSql\(/.test(statement)) offenders.push(`${rel}: ${m[0].replace(/\s+/g, ' ')}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
