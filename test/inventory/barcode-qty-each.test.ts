/**
 * sku_barcode.qty_each (migrations/…200103_barcode_qty_each.ts): a case GTIN's scan takes the pack quantity from the
 * barcode's own index entry. The copy must never be stale: a barcode written before or after its pack level, a
 * changed quantity, a deleted level and a barcode moved to another level all resolve with sku_uom's quantity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness/context.js';
import { makeSku } from './fixtures.js';
import { sql } from '../../domain/shared/sql.js';
import { resolveScan } from '../../domain/inventory/scan-resolve.js';
import { gs1CheckDigit } from '../../domain/scanning/index.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.close());

type QtyRow = { qty_each: number | null };

describe('a barcode carries the quantity of its pack level', () => {
  it('follows sku_uom through inserts, changes, deletes and a move to another level', async () => {
    const em = sys.rt.orm.em.fork();
    const sku = await makeSku(em);
    const body = `1${String(Date.now()).slice(-12)}`;
    const gtin = body + gs1CheckDigit(body);
    // The barcode first, its pack level after it.
    await sql(em, `insert into sku_barcode (barcode, sku_id, uom_level, kind) values (?, ?, 'case', 'gtin14')`, [gtin, sku.id]);
    const stored = async () => (await sql<QtyRow>(em, 'select qty_each from sku_barcode where barcode = ?', [gtin]))[0]!.qty_each;
    const scanned = async () => {
      const r = await resolveScan(em, sys.wh1, gtin);
      const found = r.match.kind === 'sku' ? r.match.sku : undefined;
      if (!found) throw new Error(`expected a SKU, got ${r.match.kind}`);
      expect(found.uomLevel).toBe('case');
      return found.qtyEach;
    };
    expect(await stored()).toBeNull();
    expect(await scanned()).toBe(1);
    await sql(em, `insert into sku_uom (sku_id, level, qty_each) values (?, 'case', 12)`, [sku.id]);
    expect(await stored()).toBe(12);
    expect(await scanned()).toBe(12);

    await sql(em, `update sku_uom set qty_each = 24 where sku_id = ? and level = 'case'`, [sku.id]);
    expect(await stored()).toBe(24);
    expect(await scanned()).toBe(24);

    // Moved to another level: the quantity of that level, or none.
    await sql(em, `insert into sku_uom (sku_id, level, qty_each) values (?, 'inner', 6)`, [sku.id]);
    await sql(em, `update sku_barcode set uom_level = 'inner' where barcode = ?`, [gtin]);
    expect(await stored()).toBe(6);
    await sql(em, `update sku_barcode set uom_level = 'pallet' where barcode = ?`, [gtin]);
    expect(await stored()).toBeNull();
    await sql(em, `update sku_barcode set uom_level = 'case' where barcode = ?`, [gtin]);
    expect(await stored()).toBe(24);

    // The level renamed, then deleted.
    await sql(em, `update sku_uom set level = 'pallet' where sku_id = ? and level = 'case'`, [sku.id]);
    expect(await stored()).toBeNull();
    expect(await scanned()).toBe(1);
    await sql(em, `update sku_uom set level = 'case' where sku_id = ? and level = 'pallet'`, [sku.id]);
    expect(await stored()).toBe(24);
    await sql(em, `delete from sku_uom where sku_id = ? and level = 'case'`, [sku.id]);
    expect(await stored()).toBeNull();
    expect(await scanned()).toBe(1);

    // A barcode row without the copy (another writer) still scans with sku_uom's quantity.
    await sql(em, `insert into sku_uom (sku_id, level, qty_each) values (?, 'case', 10)`, [sku.id]);
    await sql(em, `alter table sku_barcode disable trigger sku_barcode_qty_each`);
    try {
      await sql(em, 'update sku_barcode set qty_each = null where barcode = ?', [gtin]);
    } finally {
      await sql(em, `alter table sku_barcode enable trigger sku_barcode_qty_each`);
    }
    expect(await stored()).toBeNull();
    expect(await scanned()).toBe(10);
  });
});
