import type { EntityManager } from '@mikro-orm/postgresql';
import { postMovement } from '../../domain/inventory/ledger.service.js';
import { createLpn } from '../../domain/inventory/lpn.service.js';
import { OUTBOUND_CODE, floorLocation } from '../../domain/picking/floor-locations.js';
import { sqlOne } from '../../domain/shared/sql.js';

import type { IdRow } from '../../domain/shared/rows.js';
let n = 0;

/**
 * A packed carton as packOrder leaves it: stock in a carton LPN at OUTBOUND (received through the ledger) and a
 * `packed` shipment whose contents point at that LPN. For shipping tests that start after the pack station.
 */
export async function packedShipment(
  em: EntityManager,
  warehouseId: string,
  o: { orderId?: string | null; shipTo?: Record<string, unknown>; weightG?: number; dims?: [number, number, number]; qty?: number } = {},
): Promise<{ shipmentId: string; skuId: string; lpnId: string }> {
  const k = ++n;
  const sku = (await sqlOne<IdRow>(
    em,
    `insert into sku (code, name, length_mm, width_mm, height_mm, weight_g) values (?, ?, 100, 80, 60, 250) returning id`,
    [`SHIPSKU-${process.pid}-${k}`, `Ship test item ${k}`],
  ))!;
  const outbound = await floorLocation(em, warehouseId, OUTBOUND_CODE);
  const lpn = await createLpn(em, { warehouseId, type: 'carton', locationId: outbound });
  const qty = o.qty ?? 3;
  await postMovement(em, { warehouseId, type: 'receipt', skuId: sku.id, qty, to: { locationId: outbound, lpnId: lpn.id } });
  const [l, w, h] = o.dims ?? [300, 200, 150];
  const s = (await sqlOne<IdRow>(
    em,
    `insert into shipment (warehouse_id, order_id, status, box_id, weight_g, length_mm, width_mm, height_mm, volume_mm3, ship_to, carton_no, contents, packed_at)
    values (?, ?, 'packed', 'M', ?, ?, ?, ?, ?, ?::jsonb, 1, ?::jsonb, now()) returning id`,
    [
      warehouseId,
      o.orderId ?? null,
      o.weightG ?? 1200,
      l,
      w,
      h,
      l * w * h,
      JSON.stringify(
        o.shipTo ?? { name: 'Anna de Vries', address1: 'Coolsingel 40', city: 'Rotterdam', postcode: '3011 AD', countryCode: 'NL' },
      ),
      JSON.stringify([{ skuId: sku.id, qty, lpnId: lpn.id }]),
    ],
  ))!;
  return { shipmentId: s.id, skuId: sku.id, lpnId: lpn.id };
}
