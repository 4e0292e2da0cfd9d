/**
 * Demo stock, all through the ledger: every demo SKU gets a pick face (A-class SKUs in the aisles
 * nearest the docks, chilled SKUs in aisle K) and, for ambient SKUs, a palletised reserve location
 * above it on a license plate. Receipts land on the dock and are put away, then the pick face is
 * replenished from reserve, so the movement history looks like a working warehouse. Deterministic.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { createLpn } from '../../domain/inventory/lpn.service.js';
import { sql, sqlOne } from '../../domain/shared/sql.js';
import { demoSkus } from './catalog.seed.js';
import { DEMO_WAREHOUSE_ID } from './identity.seed.js';
import { rng } from './rng.js';
import type { IdRow } from '../../domain/shared/rows.js';
import type { SkuRow } from '../../domain/catalog/entities/sku.entity.js';
import type { LocationRow } from '../../domain/layout/entities/location.entity.js';

/** A demo SKU as the stock seed reads it: the catalogue columns and its case quantity (12 without a case UOM). */
type DemoSkuRow = Pick<SkuRow, 'id' | 'code' | 'velocity_class' | 'track_lot' | 'storage_condition'> & { qty_case: number };
type FaceRow = Pick<LocationRow, 'id' | 'code' | 'aisle' | 'bay'>;

export async function seedStock(em: EntityManager): Promise<boolean> {
  const wh = DEMO_WAREHOUSE_ID;
  if (await sqlOne(em, 'select 1 from stock_movement where warehouse_id = ? limit 1', [wh])) return false;
  const r = rng(7);
  const skus = await sql<DemoSkuRow>(
    em,
    `
    select s.id, s.code, s.velocity_class, s.track_lot, s.storage_condition, coalesce(u.qty_each, 12) as qty_case
    from sku s left join sku_uom u on u.sku_id = s.id and u.level = 'case' where s.code = any(?::text[])
    order by case s.velocity_class when 'A' then 0 when 'B' then 1 else 2 end, s.code`,
    [
      `{${demoSkus()
        .map((s) => s.code)
        .join(',')}}`,
    ],
  );
  const faces = await sql<FaceRow>(
    em,
    `select id, code, aisle, bay from location
    where warehouse_id = ? and type = 'pick_face' and aisle <> 'K' order by pick_sequence`,
    [wh],
  );
  const chilled = await sql<FaceRow>(
    em,
    `select id, code, aisle, bay from location where warehouse_id = ? and type = 'pick_face' and aisle = 'K' order by pick_sequence`,
    [wh],
  );
  const dock = (await sqlOne<IdRow>(em, 'select id from location where warehouse_id = ? and code = ?', [wh, 'RCV-01']))!.id;
  let fi = 0;
  let ci = 0;
  for (const [n, s] of skus.entries()) {
    const isChilled = s.storage_condition === 'chilled';
    const face = isChilled ? chilled[ci++ % chilled.length]! : faces[fi++ % faces.length]!;
    const lot = s.track_lot ? `L${26_000 + n}` : null;
    const expiry = s.track_lot
      ? `2027-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 27)).padStart(2, '0')}`
      : null;
    const ref = { refType: 'asn', refId: `ASN-DEMO-${String(n + 1).padStart(4, '0')}` };
    const cases = 2 + Math.floor(r() * (s.velocity_class === 'A' ? 10 : 4));
    const qty = cases * s.qty_case;
    // Received on the dock, then put away: loose, or on its pallet LPN.
    const receiveTo = async (locationId: string, lpnId?: string) => {
      const key = lpnId ? { lot, expiry, lpnId } : { lot, expiry };
      const line = { warehouseId: wh, skuId: s.id, qty, ...ref };
      await postMovement(em, { ...line, type: 'receipt', to: { locationId: dock, ...key } }, { emitEvent: false });
      await postMovement(
        em,
        { ...line, type: 'putaway', from: { locationId: dock, ...key }, to: { locationId, ...key } },
        { emitEvent: false },
      );
    };
    if (isChilled) {
      await receiveTo(face.id);
      continue;
    }
    // Reserve: the slot above the pick face (levels 03/04 of the same bay), on a pallet LPN.
    const reserve = (await sqlOne<IdRow>(
      em,
      `select id from location where warehouse_id = ? and aisle = ? and bay = ? and type = 'reserve' order by level limit 1 offset ?`,
      [wh, face.aisle, face.bay, n % 2],
    ))!;
    const pallet = await createLpn(em, { warehouseId: wh, type: 'pallet', locationId: dock });
    await receiveTo(reserve.id, pallet.id);
    await sql(em, 'update license_plate set location_id = ? where id = ?', [reserve.id, pallet.id]);
    const repl = Math.min(qty, s.qty_case * (s.velocity_class === 'A' ? 2 : 1));
    await postMovement(
      em,
      {
        warehouseId: wh,
        type: 'move',
        skuId: s.id,
        qty: repl,
        from: { locationId: reserve.id, lot, expiry, lpnId: pallet.id },
        to: { locationId: face.id, lot, expiry },
        reasonCode: 'replenish',
        refType: 'replenishment',
        refId: `REPL-${String(n + 1).padStart(4, '0')}`,
      },
      { emitEvent: false },
    );
  }
  return true;
}
