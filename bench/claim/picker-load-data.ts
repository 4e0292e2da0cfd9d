/**
 * The data of `load-tests/picker.js`: a fresh warehouse with a pick area, stock, `orders` allocated orders released
 * as one batch wave, and `pickers` picker accounts whose access tokens are signed here (no 300 password logins).
 * Used by `npm run load:prepare-picker` (against a running system) and by `npm run bench -- picker` (against its
 * own scratch database).
 */
import { randomBytes } from 'node:crypto';
import { jwtSettings, signAccessToken } from '../../api/auth/jwt.js';
import { allocateOrdersBatch } from '../../domain/orders/batch-allocation.service.js';
import { releaseWaveOf } from '../../domain/picking/wave-planning.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import type { Config } from '../../platform/config.js';
import { withTx, type Orm } from '../../platform/db.js';
import { buildFloor } from '../../test/floor/fixture.js';
import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { AppUserRow } from '../../domain/identity/entities/app-user.entity.js';

const ALLOCATE_CHUNK = 400;
/** The tables the preparation writes or the floor's statements read, analyzed once the data is in (when they hold rows). */
const ANALYZED = [
  'task',
  'task_line',
  'stock_balance',
  'stock_reservation',
  'sales_order',
  'order_line',
  'tote',
  'license_plate',
  'location',
  'sku',
  'sku_barcode',
];

/** A table of ANALYZED that holds rows. */
type TableNameRow = { name: string };

/** What picker.js reads (`.load/picker-data.json`, or the file named by its DATA env). */
export interface PickerLoadData {
  baseUrl: string;
  warehouseId: string;
  tokens: string[];
  gtinBySku: Record<string, string>;
}

export interface PickerLoadSummary {
  data: PickerLoadData;
  code: string;
  waveNumber: number;
  tasks: number;
  lines: number;
  /** Seconds per phase: floor and orders, allocation, wave plan and release. */
  phases: Record<string, number>;
}

export async function preparePickerLoad(
  orm: Orm,
  config: Config,
  opts: { pickers: number; orders: number; baseUrl: string },
): Promise<PickerLoadSummary> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const wh = (await sqlOne<IdRow>(orm.em.fork(), `insert into warehouse (code, name) values (?, 'Picker load test') returning id`, [
    `LD${tag}`,
  ]))!.id;
  await sql(orm.em.fork(), 'insert into event_stream (warehouse_id) values (?)', [wh]);
  const phases: Record<string, number> = {};
  let mark = Date.now();
  const lap = (name: string) => {
    phases[name] = (Date.now() - mark) / 1000;
    mark = Date.now();
  };
  const fx = await withTx(orm.em, (tx) =>
    buildFloor(tx, wh, {
      skus: 100,
      orders: opts.orders,
      seed: 5,
      prefix: `L${tag}`,
      gtinPrefix: String(parseInt(tag, 16) % 1000).padStart(3, '0'),
      allocate: false,
    }),
  );
  lap('floor and orders');
  // Allocation set-based (allocateOrdersBatch) in short transactions of a chunk of orders each, so no one waits on a long one.
  for (let i = 0; i < fx.orderIds.length; i += ALLOCATE_CHUNK)
    await withTx(orm.em, (tx) => allocateOrdersBatch(tx, fx.orderIds.slice(i, i + ALLOCATE_CHUNK), systemClock));
  lap('allocation');
  const wave = await releaseWaveOf(orm.em, wh, { pickMode: 'batch', cartSlots: 8, maxOrders: 5000 }, systemClock);
  lap('wave plan and release');
  const users = await sql<Pick<AppUserRow, 'id' | 'username'>>(
    orm.em.fork(),
    `insert into app_user (username, display_name, password_hash, roles, warehouse_ids)
    select 'ld' || ? || '-' || g, 'Load picker ' || g, 'x', '{picker}', ?::uuid[] from generate_series(1, ?) g returning id, username`,
    [tag.toLowerCase(), `{${wh}}`, opts.pickers],
  );
  // The planner's statistics of what was just written: autovacuum would gather them within a minute on a live server
  // (on a shared server that runs with autovacuum off they would never come, and the floor's statements plan blind).
  // Only tables that hold rows: the floor fills the tote and label tables as it picks, and one analyzed empty on such a
  // server stays empty to the planner for the whole run, so each of a confirm's six tote lookups read every tote
  // (1,000+ rows by the end). Never analyzed, the planner assumes a table of some pages and looks totes up by key, as
  // it does on a live server once autovacuum has seen the first fifty.
  const filled = await sql<TableNameRow>(
    orm.em.fork(),
    ANALYZED.map((t) => `select '${t}' as name where exists (select 1 from ${t})`).join(' union all '),
  );
  if (filled.length) await sql(orm.em.fork(), `analyze ${filled.map((t) => t.name).join(', ')}`);
  lap('analyze');
  const settings = { ...jwtSettings(config), ttlS: 3600 };
  const tokens = users.map((u) => signAccessToken(settings, { id: u.id, username: u.username, roles: ['picker'], warehouseIds: [wh] }));
  const lines = await sqlOne<CountRow>(
    orm.em.fork(),
    'select count(*)::int as n from task_line l join task t on t.id = l.task_id where t.wave_id = ?',
    [wave.id],
  );
  return {
    data: { baseUrl: opts.baseUrl, warehouseId: wh, tokens, gtinBySku: Object.fromEntries(fx.skus.map((s) => [s.id, s.gtin13])) },
    code: `LD${tag}`,
    waveNumber: wave.number,
    tasks: wave.taskIds.length,
    lines: lines!.n,
    phases,
  };
}
