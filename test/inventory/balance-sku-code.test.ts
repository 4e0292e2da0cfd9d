/**
 * stock_balance.sku_code (migrations/…164502_balance_sku_code.ts): a location scan lists its balances' SKU codes from
 * the balance's own index entry. The copy must never show a stale code: ledger_move writes it on a new balance, a
 * rename of the SKU code reaches its balances, and a balance without one (written by another path) still resolves
 * with the SKU's code, in code order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { makeLocation, makeSku } from './fixtures.js';
import { withTx } from '../../platform/db.js';
import { sql } from '../../domain/shared/sql.js';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { resolveScan } from '../../domain/inventory/scan-resolve.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

type CodeRow = { sku_code: string | null };

describe('a balance carries its SKU code for location scans', () => {
  it('is written by the ledger, follows a rename, and a balance without it still resolves with the code', async () => {
    const em = sys.rt.orm.em.fork();
    const wh = sys.wh1;
    const loc = await makeLocation(em, wh);
    const b = await makeSku(em, { code: `SC-B-${Date.now()}` });
    const a = await makeSku(em, { code: `SC-A-${Date.now()}` });
    for (const s of [b, a])
      await withTx(sys.rt.orm.em, (tx) =>
        postMovement(tx, { warehouseId: wh, type: 'receipt', skuId: s.id, qty: 3, to: { locationId: loc.id } }),
      );
    const codes = async () =>
      (await sql<CodeRow>(em, 'select sku_code from stock_balance where location_id = ? order by sku_code', [loc.id])).map(
        (r) => r.sku_code,
      );
    expect(await codes()).toEqual([a.code, b.code]);

    const listed = async () => {
      const r = await resolveScan(em, wh, loc.code);
      if (r.match.kind !== 'location') throw new Error(`expected a location, got ${r.match.kind}`);
      return r.match.stock.map((x) => x.skuCode);
    };
    expect(await listed()).toEqual([a.code, b.code]);

    // A rename reaches the balance, and the list follows the new order.
    const renamed = `SC-Z-${Date.now()}`;
    await sql(em, 'update sku set code = ? where id = ?', [renamed, a.id]);
    expect(await codes()).toEqual([b.code, renamed]);
    expect(await listed()).toEqual([b.code, renamed]);

    // A balance written without the code (another writer): the scan reads the code from sku.
    await sql(em, 'update stock_balance set sku_code = null where location_id = ? and sku_id = ?', [loc.id, b.id]);
    expect(await listed()).toEqual([b.code, renamed]);
  });
});
