/**
 * The ledger bench's data: one warehouse, SKUS SKUs with two pick-face balances each of a million units. `tag` keeps
 * the codes of one run apart from earlier runs' in a database that is reused (scale-db.ts).
 */
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { withTx, type Orm } from '../../platform/db.js';
import type { IdRow } from '../../domain/shared/rows.js';

export const SKUS = 100;

export interface LedgerBenchData {
  wh: string;
  skus: { id: string; a: string; b: string }[];
}

export async function setupLedgerBench(orm: Orm, tag = ''): Promise<LedgerBenchData> {
  const em = orm.em.fork();
  const wh = (await sqlOne<IdRow>(em, `insert into warehouse (code, name) values (?, 'Bench DC') returning id`, [`BENCH${tag}`]))!.id;
  await sql(em, 'insert into event_stream (warehouse_id) values (?)', [wh]);
  await sql(em, `insert into sku (code, name) select ? || n, 'Bench ' || n from generate_series(1, ?) n`, [`B${tag}-`, SKUS]);
  await sql(em, `insert into location (warehouse_id, code, type) select ?, 'BL-' || n, 'pick_face' from generate_series(1, ?) n`, [
    wh,
    SKUS * 2,
  ]);
  const skuRows = await sql<IdRow>(em, 'select id from sku where code like ? order by code', [`B${tag}-%`]);
  const locs = await sql<IdRow>(em, 'select id from location where warehouse_id = ? order by code', [wh]);
  const skus = skuRows.map((s, i) => ({ id: s.id, a: locs[2 * i]!.id, b: locs[2 * i + 1]!.id }));
  for (const s of skus) {
    await withTx(orm.em, async (tx) => {
      await postMovement(tx, { warehouseId: wh, type: 'receipt', skuId: s.id, qty: 1_000_000, to: { locationId: s.a } });
      await postMovement(tx, { warehouseId: wh, type: 'receipt', skuId: s.id, qty: 1_000_000, to: { locationId: s.b } });
    });
  }
  return { wh, skus };
}
