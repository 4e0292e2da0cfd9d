/**
 * Scale data for the scan-resolution and stock-query benchmarks, generated in a SEPARATE database
 * (never the app's): by default 500k SKUs (each with a GTIN-13, a case GTIN-14 and an internal
 * barcode), 50k locations (codes like A0-001-01-01), 50k LPNs, 1M balances and 5M ledger rows whose
 * sums equal the balances. Pure set-based SQL (generate_series), FK triggers off during the bulk load
 * and the movement indexes built after it, so the default size loads in minutes, not hours.
 *
 *   npx tsx scripts/seed-scale.ts                       # full size into dockside_scale
 *   npx tsx scripts/seed-scale.ts --factor 0.1 --db dockside_scale_small
 *
 * Idempotent: a database whose scale_meta matches the request is left alone (use --force to rebuild).
 */
import './lib/dev-env.js';
import pg from 'pg';
import { withDatabase } from '../platform/config.js';
import { createOrm, migrate } from '../platform/db.js';
import { loadConfig } from '../platform/config.js';

export const SCALE_WAREHOUSE_ID = '00000000-0000-4000-8000-00000000005c';

export interface ScaleOptions {
  dbName: string;
  skus: number;
  locations: number;
  movementsPerSku: number;
  baseUrl?: string;
  force?: boolean;
  log?: (m: string) => void;
}

export function scaleOptions(factor: number, dbName: string): ScaleOptions {
  return { dbName, skus: Math.round(500_000 * factor), locations: Math.round(50_000 * factor), movementsPerSku: 10 };
}

/** Creates (or reuses) the scale database; returns its URL. */
export async function seedScale(o: ScaleOptions): Promise<string> {
  const log = o.log ?? ((m: string) => console.error(`[seed-scale] ${m}`));
  const base = o.baseUrl ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/dockside';
  const url = withDatabase(base, o.dbName);
  const admin = new pg.Client({ connectionString: withDatabase(base, 'postgres') });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [o.dbName])).rowCount! > 0;
  if (exists && !o.force) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const meta = await c.query('select skus, locations, movements_per_sku from scale_meta').catch(() => ({ rows: [] as any[] }));
    const m = meta.rows[0];
    if (m && m.skus === o.skus && m.locations === o.locations && m.movements_per_sku === o.movementsPerSku) {
      await admin.end();
      // Keep the schema current on a reused data set (the data, not the code, is what is expensive): new indexes
      // and functions come from the pending migrations.
      const orm = await createOrm(loadConfig({ ...process.env, DATABASE_URL: url, DATABASE_POOL_MAX: '1' } as NodeJS.ProcessEnv));
      let applied: number;
      try {
        const done = await migrate(orm);
        applied = done.length;
        if (done.length) log(`${o.dbName}: applied ${done.join(', ')}`);
      } finally {
        await orm.close(true);
      }
      // A data set loaded before the seed vacuumed: index-only scans need the visibility map (autovacuum sets it
      // sooner or later; a benchmark should not depend on when).
      // So does a migration that rewrites rows (…164502_balance_sku_code filled a column of every balance): vacuum
      // after applying any (pages nobody changed stay all-visible and are skipped).
      const never = await c.query(
        `select 1 from pg_stat_user_tables where relname = 'stock_balance' and last_vacuum is null and last_autovacuum is null`,
      );
      if (never.rowCount || applied) {
        log(`${o.dbName}: vacuum (analyze)`);
        await c.query('vacuum (analyze)');
      }
      await c.end();
      log(`${o.dbName} already holds this scale`);
      return url;
    }
    await c.end();
  }
  await admin.query(`drop database if exists ${o.dbName} with (force)`);
  await admin.query(`create database ${o.dbName}`);
  await admin.end();
  const orm = await createOrm(loadConfig({ ...process.env, DATABASE_URL: url, DATABASE_POOL_MAX: '2' } as NodeJS.ProcessEnv));
  await migrate(orm);
  await orm.close(true);

  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t0 = Date.now();
  const step = async (what: string, q: string, params: unknown[] = []) => {
    const t = Date.now();
    await c.query(q, params);
    log(`${what} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  const nSku = o.skus;
  const nLoc = o.locations;
  const perBay = 10; // 5 levels × 2 positions
  const bays = 100;
  await c.query('set synchronous_commit = off');
  await c.query("set maintenance_work_mem = '256MB'");
  // Bulk load without per-row FK triggers (we generate referentially correct data); needs a superuser.
  await c.query('set session_replication_role = replica').catch(() => log('not a superuser: FK triggers stay on (slower)'));
  await c.query(`insert into warehouse (id, code, name) values ($1, 'SCALE', 'Scale test DC')`, [SCALE_WAREHOUSE_ID]);
  await c.query('insert into event_stream (warehouse_id) values ($1)', [SCALE_WAREHOUSE_ID]);
  await c.query(`create or replace function pg_temp.gs1cd(body text) returns int language sql immutable as $$
    select (10 - (sum(substr(reverse(body), i, 1)::int * case when i % 2 = 1 then 3 else 1 end) % 10)) % 10
    from generate_series(1, length(body)) i $$`);
  await step(
    `${nLoc} locations`,
    `
    insert into location (warehouse_id, code, type, aisle, bay, level, position, x_mm, y_mm, z_mm)
    select $1, aisle || '-' || lpad(bay::text, 3, '0') || '-' || lpad(level::text, 2, '0') || '-' || lpad(pos::text, 2, '0'),
      case when level <= 2 then 'pick_face' else 'reserve' end, aisle, bay, level, pos,
      (n / ${bays * perBay}) * 3600 + case when bay % 2 = 1 then -1100 else 1100 end, 8000 + ((bay - 1) / 2) * 1350, (level - 1) * 1200
    from (select n, chr(65 + (n / ${bays * perBay}) % 26) || ((n / ${bays * perBay}) / 26)::text as aisle,
      (n / ${perBay}) % ${bays} + 1 as bay, (n % ${perBay}) / 2 + 1 as level, n % 2 + 1 as pos
      from generate_series(0, $2 - 1) n) g`,
    [SCALE_WAREHOUSE_ID, nLoc],
  );
  await c.query(`create temp table loc_n as select row_number() over (order by code) - 1 as n, id from location where warehouse_id = $1`, [
    SCALE_WAREHOUSE_ID,
  ]);
  await c.query('create index on loc_n (n)');
  await step(
    `${nSku} SKUs`,
    `
    insert into sku (code, name, category, length_mm, width_mm, height_mm, weight_g, track_lot, track_expiry, shelf_life_days, velocity_class)
    select 'SKU-' || lpad(n::text, 7, '0'), 'Scale item ' || n, (array['apparel','home','electronics','food','beauty','tools'])[n % 6 + 1],
      50 + n % 400, 40 + n % 300, 10 + n % 200, 20 + n % 5000, n % 6 = 3, n % 6 = 3, case when n % 6 = 3 then 60 end,
      (array['A','B','C','C','B'])[n % 5 + 1]
    from generate_series(1, $1) n`,
    [nSku],
  );
  await c.query(`create temp table sku_n as select substr(code, 5)::int as n, id from sku`);
  await c.query('create index on sku_n (n)');
  await step(
    'pack levels',
    `
    insert into sku_uom (sku_id, level, qty_each, gtin, length_mm, width_mm, height_mm, weight_g)
    select s.id, l.level, l.qty, case l.level when 'each' then '0' || g13 || pg_temp.gs1cd(g13) else '1' || g13 || pg_temp.gs1cd('1' || g13) end, 100, 80, 60, 300
    from sku_n s cross join lateral (select '87' || lpad(s.n::text, 10, '0') as g13) g
      cross join (values ('each', 1), ('case', 12)) l(level, qty)`,
  );
  await step(
    'barcodes',
    `
    insert into sku_barcode (barcode, sku_id, uom_level, kind, qty_each)
    select gtin, sku_id, level, case level when 'each' then 'gtin13' else 'gtin14' end, case when level <> 'each' then qty_each end from sku_uom
    union all select 'INT' || lpad(n::text, 8, '0'), id, 'each', 'internal', null from sku_n`,
  );
  const nLpn = Math.floor(nSku / 10);
  await step(
    `${nLpn} LPNs`,
    `
    insert into license_plate (warehouse_id, code, type, location_id)
    select $1, 'LPN' || (2000000000 + g.i), 'pallet', l.id from generate_series(1, $2) g(i) join loc_n l on l.n = (g.i * 7 + 3) % $3`,
    [SCALE_WAREHOUSE_ID, nLpn, nLoc],
  );
  await c.query(
    `create temp table lpn_n as select (substr(code, 4)::bigint - 2000000000)::int as n, id, location_id from license_plate where warehouse_id = $1`,
    [SCALE_WAREHOUSE_ID],
  );
  await c.query('create index on lpn_n (n)');
  // Two balances per SKU: a pick face (A) and a reserve slot (B); every tenth SKU's reserve stock sits on an LPN.
  await step(
    'balances',
    `
    insert into stock_balance (warehouse_id, location_id, location_code, sku_id, sku_code, lot, expiry, lpn_id, status, on_hand, reserved)
    select $1, lc.id, lc.code, s.id, 'SKU-' || lpad(s.n::text, 7, '0'), case when s.n % 6 = 3 then 'L' || (s.n % 97) end, case when s.n % 6 = 3 then date '2027-01-01' + (s.n % 300) end,
      p.id, 'available', 0, 0
    from sku_n s cross join (values (0), (1)) side(k)
      join loc_n l on l.n = case side.k when 0 then (s.n * 2) % $2 else (s.n * 2 + 1 + $2 / 2) % $2 end
      left join lpn_n p on side.k = 1 and s.n % 10 = 0 and p.n = s.n / 10
      join location lc on lc.id = coalesce(p.location_id, l.id)`,
    [SCALE_WAREHOUSE_ID, nLoc],
  );
  // Side A: the pick-face balance (no LPN at location 2n); side B: the other one.
  await c.query(
    `create temp table bal_pair as
    select s.n, a.id as a_id, a.location_id as a_loc, b.id as b_id, b.location_id as b_loc, a.lot, a.expiry, b.lpn_id as b_lpn
    from sku_n s join loc_n la on la.n = (s.n * 2) % $1
      join stock_balance a on a.sku_id = s.id and a.location_id = la.id and a.lpn_id is null
      join stock_balance b on b.sku_id = s.id and b.id <> a.id`,
    [nLoc],
  );
  await c.query('create index on bal_pair (n)');
  // Drop the movement indexes for the bulk insert; rebuilt below.
  const idx = (
    await c.query(`select indexname, indexdef from pg_indexes where tablename = 'stock_movement' and indexname <> 'stock_movement_pkey'`)
  ).rows as { indexname: string; indexdef: string }[];
  for (const i of idx) await c.query(`drop index ${i.indexname}`);
  const k = o.movementsPerSku;
  // Movement 0: receipt of 1000 into B (reserve). Odd m: B→A replenishment of 2..11; even m: A→B of 1, so no
  // balance is ever negative at any point of the replayed history.
  await step(
    `${nSku * k} ledger rows`,
    `
    insert into stock_movement (warehouse_id, type, sku_id, qty, from_balance_id, from_location_id, from_virtual, from_lot, from_expiry, from_lpn_id, from_status,
      to_balance_id, to_location_id, to_virtual, to_lot, to_expiry, to_lpn_id, to_status, ref_type, ref_id, created_at)
    select $1, case when m = 0 then 'receipt' when m % 2 = 1 then 'move' else 'putaway' end, s.id,
      case when m = 0 then 1000 when m % 2 = 1 then 2 + (p.n + m) % 10 else 1 end,
      case when m = 0 then null when m % 2 = 1 then p.b_id else p.a_id end,
      case when m = 0 then null when m % 2 = 1 then p.b_loc else p.a_loc end,
      case when m = 0 then 'supplier' end, case when m > 0 then p.lot end, case when m > 0 then p.expiry end,
      case when m > 0 and m % 2 = 1 then p.b_lpn end, case when m > 0 then 'available' end,
      case when m = 0 or m % 2 = 0 then p.b_id else p.a_id end, case when m = 0 or m % 2 = 0 then p.b_loc else p.a_loc end, null, p.lot, p.expiry,
      case when m = 0 or m % 2 = 0 then p.b_lpn end, 'available', 'scale', p.n::text,
      timestamptz '2026-01-01' + (p.n::bigint * ${k} + m) * interval '1 second' / 20
    from bal_pair p join sku_n s on s.n = p.n cross join generate_series(0, ${k - 1}) m
    order by p.n, m`,
    [SCALE_WAREHOUSE_ID],
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
  // Vacuum, not only analyze: hint bits and the visibility map, as autovacuum leaves a table in service (index-only scans).
  await step('vacuum (analyze)', 'vacuum (analyze)');
  await c.query('create table scale_meta (skus int, locations int, movements_per_sku int, seeded_at timestamptz default now())');
  await c.query('insert into scale_meta (skus, locations, movements_per_sku) values ($1, $2, $3)', [
    o.skus,
    o.locations,
    o.movementsPerSku,
  ]);
  await c.end();
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${url}`);
  return url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const factor = Number(arg('factor') ?? 1);
  const o = scaleOptions(factor, arg('db') ?? (factor === 1 ? 'dockside_scale' : `dockside_scale_${String(factor).replace('.', '_')}`));
  if (arg('skus')) o.skus = Number(arg('skus'));
  if (arg('locations')) o.locations = Number(arg('locations'));
  if (arg('movements-per-sku')) o.movementsPerSku = Number(arg('movements-per-sku'));
  await seedScale({ ...o, force: process.argv.includes('--force') });
}
