/**
 * Prepares the data of `load-tests/picker.js` against a running Dockside (its DATABASE_URL and
 * JWT_SECRET from the environment, as `npm start` uses): see picker-load-data.ts. Writes
 * `.load/picker-data.json` for the k6 script. `npm run bench -- picker` does the same on a scratch database.
 *
 *   tsx bench/claim/prepare-picker-load.ts            # PICKERS=300 ORDERS=2400 BASE_URL=http://127.0.0.1:3000
 *   npm run load -- picker
 */
import '../../scripts/lib/dev-env.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../platform/config.js';
import { createOrm } from '../../platform/db.js';
import { preparePickerLoad } from './picker-load-data.js';

const PICKERS = Number(process.env.PICKERS ?? 300);
const ORDERS = Number(process.env.ORDERS ?? 2400);
const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

const config = loadConfig();
const orm = await createOrm(config);
const t0 = Date.now();
const s = await preparePickerLoad(orm, config, { pickers: PICKERS, orders: ORDERS, baseUrl: BASE_URL });
mkdirSync('.load', { recursive: true });
writeFileSync('.load/picker-data.json', JSON.stringify(s.data));
console.log(
  `warehouse ${s.code}: ${ORDERS} orders, wave ${s.waveNumber} with ${s.tasks} pick tasks / ${s.lines} lines, ${PICKERS} pickers; ${((Date.now() - t0) / 1000).toFixed(1)} s (${Object.entries(
    s.phases,
  )
    .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
    .join(', ')}) → .load/picker-data.json`,
);
await orm.close(true);
