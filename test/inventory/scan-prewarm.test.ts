/**
 * The API's start asks the kernel for the relations a scan resolve reads (domain/inventory/scan-prewarm.ts). Every
 * name on the list must exist (a renamed index would otherwise drop out of the prewarm without a word), and the call
 * asks for every block of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { sql } from '../../domain/shared/sql.js';
import { SCAN_RELATIONS, prewarmScanRelations } from '../../domain/inventory/scan-prewarm.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

type RelRow = { relname: string; blocks: number };

describe('prewarm of the scan relations', () => {
  it('names relations that exist and asks for all their blocks', async () => {
    const em = sys.rt.orm.em.fork();
    const rels = await sql<RelRow>(
      em,
      `select relname, (pg_relation_size(oid) / 8192)::int as blocks from pg_class
      where relnamespace = current_schema()::regnamespace and relname = any(?::text[])`,
      [`{${SCAN_RELATIONS.join(',')}}`],
    );
    expect(rels.map((r) => r.relname).sort()).toEqual([...SCAN_RELATIONS].sort());
    const blocks = await prewarmScanRelations(em);
    expect(blocks).toBe(rels.reduce((n, r) => n + r.blocks, 0));
    expect(blocks).toBeGreaterThan(0);
  });

  it('does nothing without the extension', async () => {
    const em = sys.rt.orm.em.fork();
    await sql(em, 'drop extension pg_prewarm');
    try {
      expect(await prewarmScanRelations(em)).toBeUndefined();
    } finally {
      await sql(em, 'create extension pg_prewarm');
    }
  });
});
