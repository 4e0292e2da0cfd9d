import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSchema, SchemaComparator, type SchemaDifference } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createOrm, type Orm } from '../../platform/db.js';
import { createTestDatabase, testConfig } from '../harness/context.js';

/**
 * The entities (domain/<context>/entities/*.entity.ts, platform/entities/) and the migrated schema must describe the
 * same tables, columns, types, nullability, defaults, primary keys, foreign keys and indexes (partial and expression
 * indexes included: MikroORM compares those by name). Migrations stay the only way the schema changes; this test makes
 * a migration without the matching entity change (or the reverse) fail.
 *
 * Left out on purpose, because MikroORM's entity metadata does not carry them faithfully: CHECK constraints
 * (Postgres rewrites their text, so they are compared nowhere but in the migrations and the tests that hit them),
 * triggers, functions and sequences (stock_movement immutability, outbox NOTIFY, inventory_scan_resolve, lpn/sscc
 * sequences) — the schema introspection does not read those at all.
 */
function withoutChecks(diff: SchemaDifference): SchemaDifference {
  for (const t of Object.values(diff.changedTables)) {
    t.removedChecks = {};
    t.changedChecks = {};
    t.addedChecks = {};
  }
  // A table whose only difference was its CHECKs is not a difference.
  for (const [name, t] of Object.entries(diff.changedTables)) {
    const rest = [
      t.addedColumns,
      t.changedColumns,
      t.removedColumns,
      t.renamedColumns,
      t.addedIndexes,
      t.changedIndexes,
      t.removedIndexes,
      t.renamedIndexes,
      t.addedForeignKeys,
      t.changedForeignKeys,
      t.removedForeignKeys,
    ];
    if (rest.every((d) => Object.keys(d).length === 0) && t.changedComment === undefined) delete diff.changedTables[name];
  }
  return diff;
}

async function schemaDrift(orm: Orm): Promise<{ sql: string; diff: SchemaDifference }> {
  const em = orm.em.fork() as EntityManager;
  const generator = orm.getSchemaGenerator();
  const platform = em.getPlatform();
  const fromSchema = await DatabaseSchema.create(em.getConnection(), platform, orm.config, 'public', ['public'], undefined, [
    orm.config.get('migrations').tableName!,
  ]);
  const toSchema = generator.getTargetSchema('public');
  const diff = withoutChecks(new SchemaComparator(platform).compare(fromSchema, toSchema));
  return { diff, sql: (await generator.diffToSQL(diff, { wrap: false, safe: false, dropTables: true })).trim() };
}

describe('entity metadata matches the migrated schema', () => {
  let orm: Orm;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    orm = await createOrm(testConfig(db.url));
  });

  afterAll(async () => {
    await orm?.close(true);
    await drop?.();
  });

  it('has an entity for every migrated table', async () => {
    const tables = await orm.em
      .fork()
      .execute(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
    const migrated = (tables as { table_name: string }[]).map((t) => t.table_name).filter((t) => t !== 'mikro_orm_migrations');
    const mapped = Object.values(orm.getMetadata().getAll()).map((m) => m.tableName);
    expect(migrated.filter((t) => !mapped.includes(t)).sort()).toEqual([]);
    expect(mapped.filter((t) => !migrated.includes(t)).sort()).toEqual([]);
  });

  it('MikroORM schema diff between the entities and the migrations is empty', async () => {
    const { sql } = await schemaDrift(orm);
    expect(sql).toBe('');
  });

  it('would notice drift: a column made nullable in the metadata only shows up in the diff', async () => {
    const prop = orm.getMetadata().find('SalesOrder')!.properties.external_id!;
    const before = prop.nullable;
    prop.nullable = true;
    try {
      const { sql } = await schemaDrift(orm);
      expect(sql).toMatch(/alter table "sales_order" alter column "external_id" drop not null/);
    } finally {
      prop.nullable = before;
    }
    expect((await schemaDrift(orm)).sql).toBe('');
  });
});
