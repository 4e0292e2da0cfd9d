/**
 * stock_balance.location_code (migrations/…200101_balance_location_code.ts): item and LPN scans list their balances'
 * location codes (and an LPN scan its SKU codes) from the balances' own index entries. The copy must never show a
 * stale code: ledger_move writes it on a new balance, a rename of the location code reaches its balances, and a balance
 * without either code (written by another path) still resolves with the right codes, in the same order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { makeLocation, makeSku } from './fixtures.js';
import { withTx } from '../../platform/db.js';
import { sql } from '../../domain/shared/sql.js';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { createLpn, nestLpn } from '../../domain/inventory/lpn.service.js';
import { resolveScan } from '../../domain/inventory/scan-resolve.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

type CodeRow = { location_code: string | null };

describe('a balance carries its location code for item and LPN scans', () => {
  it('is written by the ledger, follows a rename, and balances without codes still resolve with them', async () => {
    const em = sys.rt.orm.em.fork();
    const wh = sys.wh1;
    const stamp = Date.now();
    const near = await makeLocation(em, wh, { code: `LC-B-${stamp}` });
    const far = await makeLocation(em, wh, { code: `LC-C-${stamp}` });
    const sku = await makeSku(em, { code: `LC-S-${stamp}` });
    const other = await makeSku(em, { code: `LC-R-${stamp}` });
    const outer = await withTx(sys.rt.orm.em, (tx) => createLpn(tx, { warehouseId: wh, type: 'pallet', locationId: far.id }));
    const inner = await withTx(sys.rt.orm.em, (tx) => createLpn(tx, { warehouseId: wh, type: 'case', locationId: far.id }));
    await withTx(sys.rt.orm.em, (tx) => nestLpn(tx, { lpnId: inner.id, parentId: outer.id }));
    const receive = (skuId: string, locationId: string, lpnId?: string) =>
      withTx(sys.rt.orm.em, (tx) => postMovement(tx, { warehouseId: wh, type: 'receipt', skuId, qty: 4, to: { locationId, lpnId } }));
    await receive(sku.id, far.id);
    await receive(sku.id, near.id);
    await receive(sku.id, far.id, inner.id);
    await receive(other.id, far.id, outer.id);

    const codes = async () =>
      (
        await sql<CodeRow>(em, 'select location_code from stock_balance where sku_id = any(?::uuid[]) order by location_code', [
          `{${sku.id},${other.id}}`,
        ])
      ).map((r) => r.location_code);
    expect(await codes()).toEqual([near.code, far.code, far.code, far.code]);

    const itemList = async () => {
      const r = await resolveScan(em, wh, sku.code);
      if (r.match.kind !== 'sku') throw new Error(`expected a SKU, got ${r.match.kind}`);
      return r.match.stock.map((x) => [x.locationCode, x.lpnCode ?? null]);
    };
    const plateList = async () => {
      const r = await resolveScan(em, wh, outer.code);
      if (r.match.kind !== 'lpn') throw new Error(`expected an LPN, got ${r.match.kind}`);
      return r.match.stock.map((x) => [x.lpnCode, x.skuCode, x.locationCode]);
    };
    // Ordered by location code within an expiry (none here); the plate's list by plate code, then SKU code.
    const farThenNear = (farCode: string) => [
      [near.code, null],
      [farCode, null],
      [farCode, inner.code],
    ];
    const byPlate = (farCode: string) =>
      [
        [outer.code, other.code, farCode],
        [inner.code, sku.code, farCode],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    expect((await itemList()).sort()).toEqual(farThenNear(far.code).sort());
    expect((await itemList())[0]).toEqual([near.code, null]);
    expect(await plateList()).toEqual(byPlate(far.code));

    // A rename reaches the balances, and the item list's order follows the new code.
    const renamed = `LC-A-${stamp}`;
    await sql(em, 'update location set code = ? where id = ?', [renamed, far.id]);
    expect(await codes()).toEqual([renamed, renamed, renamed, near.code]);
    expect((await itemList()).slice(0, 2).map((x) => x[0])).toEqual([renamed, renamed]);
    expect((await itemList())[2]).toEqual([near.code, null]);
    expect(await plateList()).toEqual(byPlate(renamed));

    // Balances written without the codes (another writer): the scans read them from location and sku.
    await sql(em, 'update stock_balance set location_code = null, sku_code = null where sku_id = any(?::uuid[])', [
      `{${sku.id},${other.id}}`,
    ]);
    expect((await itemList()).slice(0, 2).map((x) => x[0])).toEqual([renamed, renamed]);
    expect((await itemList())[2]).toEqual([near.code, null]);
    expect(await plateList()).toEqual(byPlate(renamed));
  });
});
