/**
 * Prepares the data of `load-tests/picker.js` against a running Dockside (its DATABASE_URL and
 * JWT_SECRET from the environment, as `npm start` uses): a fresh warehouse with a pick area, stock,
 * `ORDERS` allocated orders released as one batch wave, and `PICKERS` picker accounts whose access
 * tokens are signed here (no 300 password logins). Writes `.load/picker-data.json` for the k6 script.
 *
 *   tsx bench/claim/prepare-picker-load.ts            # PICKERS=300 ORDERS=2400 BASE_URL=http://127.0.0.1:3000
 *   npm run load -- picker
 */
import '../../scripts/lib/dev-env.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { jwtSettings, signAccessToken } from '../../api/auth/jwt.js';
import { allocateOrdersBatch } from '../../domain/orders/batch-allocation.service.js';
import { releaseWaveOf } from '../../domain/picking/wave-planning.js';
import { systemClock } from '../../domain/shared/clock.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { loadConfig } from '../../platform/config.js';
import { createOrm, withTx } from '../../platform/db.js';
import { buildFloor } from '../../test/floor/fixture.js';
import type { IdRow, CountRow } from '../../domain/shared/rows.js';
import type { AppUserRow } from '../../domain/identity/entities/app-user.entity.js';

const PICKERS = Number(process.env.PICKERS ?? 300);
const ORDERS = Number(process.env.ORDERS ?? 2400);
const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const ALLOCATE_CHUNK = 400;

const config = loadConfig();
const orm = await createOrm(config);
const tag = randomBytes(3).toString('hex').toUpperCase();
const t0 = Date.now();
const wh = (await sqlOne<IdRow>(orm.em.fork(), `insert into warehouse (code, name) values (?, 'Picker load test') returning id`, [
  `LD${tag}`,
]))!.id;
await sql(orm.em.fork(), 'insert into event_stream (warehouse_id) values (?)', [wh]);
const phase: Record<string, number> = {};
let mark = Date.now();
const lap = (name: string) => {
  phase[name] = (Date.now() - mark) / 1000;
  mark = Date.now();
};
const fx = await withTx(orm.em, (tx) =>
  buildFloor(tx, wh, {
    skus: 100,
    orders: ORDERS,
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
  [tag.toLowerCase(), `{${wh}}`, PICKERS],
);
const settings = { ...jwtSettings(config), ttlS: 3600 };
const tokens = users.map((u) => signAccessToken(settings, { id: u.id, username: u.username, roles: ['picker'], warehouseIds: [wh] }));
mkdirSync('.load', { recursive: true });
writeFileSync(
  '.load/picker-data.json',
  JSON.stringify({
    baseUrl: BASE_URL,
    warehouseId: wh,
    tokens,
    gtinBySku: Object.fromEntries(fx.skus.map((s) => [s.id, s.gtin13])),
  }),
);
const lines = await sqlOne<CountRow>(
  orm.em.fork(),
  'select count(*)::int as n from task_line l join task t on t.id = l.task_id where t.wave_id = ?',
  [wave.id],
);
console.log(
  `warehouse LD${tag}: ${ORDERS} orders, wave ${wave.number} with ${wave.taskIds.length} pick tasks / ${lines!.n} lines, ${PICKERS} pickers; ${((Date.now() - t0) / 1000).toFixed(1)} s (${Object.entries(
    phase,
  )
    .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
    .join(', ')}) → .load/picker-data.json`,
);
await orm.close(true);
