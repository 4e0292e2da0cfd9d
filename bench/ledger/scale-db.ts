/**
 * The ledger bench's database at full scale: a movement table that already holds millions of rows (issue 19,
 * goal 5: "at full scale"), so every move pays for index inserts into big B-trees, not into a few pages.
 *
 * A history warehouse of its own gets `skus` SKUs with two balances each and `rows` ledger rows (generate_series:
 * a receipt of 1,000,000 into A, then 1-unit moves alternating A→B and B→A), with the balances set to the ledger
 * sums, so the audit holds. Loaded like scripts/seed-scale.ts (FK triggers off, movement indexes rebuilt after),
 * but only what the ledger touches (no barcodes, plates or layout), so it takes a minute, not ten. The database is
 * kept between runs and reused while its scale_meta matches; migrations are applied on every run, and each run
 * adds its own warehouse, so runs never see each other's balances.
 */
import '../../scripts/lib/dev-env.js';
import pg from 'pg';
import { loadConfig, withDatabase } from '../../platform/config.js';
import { createOrm, migrate, type Orm } from '../../platform/db.js';
import { sqlOne } from '../../domain/shared/sql.js';
import { baseDbUrl } from './scratch-db.js';

export interface LedgerScale {
  /** Ledger rows of the history warehouse. */
  rows: number;
  skus: number;
}

export const FULL_SCALE: LedgerScale = { rows: 5_000_000, skus: 100_000 };
export const QUICK_SCALE: LedgerScale = { rows: 500_000, skus: 10_000 };
const HISTORY_WAREHOUSE_ID = '00000000-0000-4000-8000-0000000015d6';

export type ScaleMetaRow = { rows: string; skus: number };
export type IndexDefRow = { indexname: string; indexdef: string };
export type EstimateRow = { n: string };

/** Opens (building it first when missing or of another scale) the ledger bench's scale database. */
export async function ledgerScaleDb(
  name: string,
  scale: LedgerScale,
  poolMax: number,
  log = (m: string) => console.error(`[ledger] ${m}`),
) {
  const url = withDatabase(baseDbUrl(), name);
  const admin = new pg.Client({ connectionString: withDatabase(baseDbUrl(), 'postgres') });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount! > 0;
  let current = false;
  if (exists) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const meta = await c.query<ScaleMetaRow>('select rows, skus from ledger_scale_meta').catch(() => ({ rows: [] as ScaleMetaRow[] }));
    await c.end();
    current = meta.rows.length === 1 && Number(meta.rows[0]!.rows) === scale.rows && meta.rows[0]!.skus === scale.skus;
  }
  if (!current) {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  }
  await admin.end();
  const orm: Orm = await createOrm(
    loadConfig({ ...process.env, DATABASE_URL: url, DATABASE_POOL_MAX: String(poolMax) } as NodeJS.ProcessEnv),
  );
  await migrate(orm);
  if (!current) await fill(url, scale, log);
  else log(`${name} already holds ${(scale.rows / 1e6).toFixed(1)}M ledger rows`);
  return { orm, url };
}

async function fill(url: string, o: LedgerScale, log: (m: string) => void): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t0 = Date.now();
  const step = async (what: string, q: string, params: unknown[] = []) => {
    const t = Date.now();
    await c.query(q, params);
    log(`scale: ${what} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  try {
    await c.query('set synchronous_commit = off');
    await c.query("set maintenance_work_mem = '256MB'");
    // Referentially correct data, so FK triggers may stay off during the bulk load (needs a superuser).
    await c.query('set session_replication_role = replica').catch(() => log('scale: not a superuser, FK triggers stay on (slower)'));
    const wh = HISTORY_WAREHOUSE_ID;
    await c.query(`insert into warehouse (id, code, name) values ($1, 'LEDGER-HISTORY', 'Ledger history DC')`, [wh]);
    await c.query('insert into event_stream (warehouse_id) values ($1)', [wh]);
    await step(`${o.skus} SKUs`, `insert into sku (code, name) select 'LH-' || n, 'History ' || n from generate_series(1, $1) n`, [o.skus]);
    await step(
      `${2 * o.skus} locations`,
      `insert into location (warehouse_id, code, type) select $1, 'LH-' || n || '-' || k, 'reserve' from generate_series(1, $2) n cross join (values ('A'), ('B')) k(k)`,
      [wh, o.skus],
    );
    await c.query(
      `create temp table pair as
      select n, s.id as sku_id, la.id as a_loc, lb.id as b_loc, null::uuid as a_id, null::uuid as b_id
      from generate_series(1, $2) n join sku s on s.code = 'LH-' || n
        join location la on la.warehouse_id = $1 and la.code = 'LH-' || n || '-A' join location lb on lb.warehouse_id = $1 and lb.code = 'LH-' || n || '-B'`,
      [wh, o.skus],
    );
    await step(
      `${2 * o.skus} balances`,
      `insert into stock_balance (warehouse_id, location_id, sku_id, status, on_hand, reserved)
      select $1, l, sku_id, 'available', 0, 0 from pair cross join lateral (values (a_loc), (b_loc)) v(l)`,
      [wh],
    );
    await c.query(`update pair p set a_id = a.id, b_id = b.id from stock_balance a, stock_balance b
      where a.location_id = p.a_loc and a.sku_id = p.sku_id and b.location_id = p.b_loc and b.sku_id = p.sku_id`);
    const idx = (
      await c.query<IndexDefRow>(
        `select indexname, indexdef from pg_indexes where tablename = 'stock_movement' and indexname <> 'stock_movement_pkey'`,
      )
    ).rows;
    for (const i of idx) await c.query(`drop index ${i.indexname}`);
    const per = Math.max(2, Math.round(o.rows / o.skus));
    // m = 0: receipt of 1,000,000 into A; odd m: A→B of 1; even m: B→A of 1 (never negative at any point).
    await step(
      `${(o.skus * per) / 1e6}M ledger rows`,
      `
      insert into stock_movement (warehouse_id, type, sku_id, qty, from_balance_id, from_location_id, from_virtual, from_status,
        to_balance_id, to_location_id, to_status, created_at)
      select $1, case when m = 0 then 'receipt' else 'move' end, p.sku_id, case when m = 0 then 1000000 else 1 end,
        case when m = 0 then null when m % 2 = 1 then p.a_id else p.b_id end,
        case when m = 0 then null when m % 2 = 1 then p.a_loc else p.b_loc end,
        case when m = 0 then 'supplier' end, case when m > 0 then 'available' end,
        case when m % 2 = 1 then p.b_id else p.a_id end, case when m % 2 = 1 then p.b_loc else p.a_loc end, 'available',
        timestamptz '2026-01-01' + (p.n * $2 + m) * interval '1 second' / 20
      from pair p cross join generate_series(0, $2 - 1) m order by p.n, m`,
      [wh, per],
    );
    await step(
      'balances from ledger sums',
      `
      with d as (select to_balance_id as bid, qty as q from stock_movement where to_balance_id is not null
        union all select from_balance_id, -qty from stock_movement where from_balance_id is not null),
      s as (select bid, sum(q)::int as q from d group by bid)
      update stock_balance b set on_hand = s.q from s where b.id = s.bid`,
    );
    for (const i of idx) await step(`index ${i.indexname}`, i.indexdef);
    await c.query('set session_replication_role = origin').catch(() => undefined);
    await step('vacuum analyze', 'vacuum analyze');
    await c.query('create table ledger_scale_meta (rows bigint not null, skus int not null, seeded_at timestamptz not null default now())');
    await c.query('insert into ledger_scale_meta (rows, skus) values ($1, $2)', [o.rows, o.skus]);
    log(`scale: built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await c.end();
  }
}

/** Ledger rows in the database now (planner estimate: exact counts of millions of rows take seconds). */
export async function ledgerRows(orm: Orm): Promise<number> {
  const r = await sqlOne<EstimateRow>(orm.em.fork(), `select reltuples::bigint::text as n from pg_class where relname = 'stock_movement'`);
  return Number(r?.n ?? 0);
}

// `npx tsx bench/ledger/scale-db.ts [--quick]` builds (or checks) the bench's database ahead of a timed run.
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const { orm } = await ledgerScaleDb(
    process.env.LEDGER_BENCH_DB ?? (quick ? 'dockside_bench_ledger_quick' : 'dockside_bench_ledger_scale'),
    quick ? QUICK_SCALE : FULL_SCALE,
    2,
  );
  await orm.close(true);
}
