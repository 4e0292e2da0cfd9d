/** The packed cartons become stock in carton LPNs at OUTBOUND and one shipment each. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { postMovement } from '../inventory/ledger.service.js';
import { createLpn } from '../inventory/lpn.service.js';
import { CARTS_CODE, OUTBOUND_CODE, floorLocation } from '../picking/floor-locations.js';
import { Conflict } from '../shared/errors.js';
import type { Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { SalesOrderRow } from '../orders/entities/sales-order.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { StockBalanceRow } from '../inventory/entities/stock-balance.entity.js';
import type { CheckedCarton } from './carton-plan.js';
import type { ToteRow } from '../picking/entities/tote.entity.js';

export type PackOrderRow2 = Pick<SalesOrderRow, 'shipping_method'> & { ship_to: unknown };

/** A tote of the order that carries an LPN (the query keeps only those). */
export type ToteLpnRow = { lpn_id: NonNullable<ToteRow['lpn_id']> };

/**
 * Moves each carton's contents out of the order's totes into a new carton LPN at OUTBOUND and records one shipment
 * per carton (status packed, box, dimensions, weight); `shipment.created` and `shipment.packed` go out for each.
 * Returns the shipment ids in carton order.
 */
export async function shipCartons(
  em: EntityManager,
  actor: Actor,
  s: { id: string; warehouse_id: string; order_id: string },
  plan: CheckedCarton[],
  waveId: string | null,
): Promise<string[]> {
  const order = (await sqlOne<PackOrderRow2>(em, 'select shipping_method, ship_to from sales_order where id = ?', [s.order_id]))!;
  const carts = await floorLocation(em, s.warehouse_id, CARTS_CODE);
  const outbound = await floorLocation(em, s.warehouse_id, OUTBOUND_CODE);
  const toteLpns = (
    await sql<ToteLpnRow>(em, 'select lpn_id from tote where warehouse_id = ? and order_id = ? and lpn_id is not null', [
      s.warehouse_id,
      s.order_id,
    ])
  ).map((t) => t.lpn_id);
  const shipmentIds: string[] = [];
  for (const [i, c] of plan.entries()) {
    const lpn = await createLpn(em, { warehouseId: s.warehouse_id, type: 'carton', locationId: outbound });
    for (const it of c.items)
      await moveFromTotes(
        em,
        s.warehouse_id,
        carts,
        toteLpns,
        it.skuId,
        it.qty,
        { locationId: outbound, lpnId: lpn.id },
        actor,
        s.order_id,
      );
    const sh = (await sqlOne<Pick<ShipmentRow, 'id'>>(
      em,
      `insert into shipment (warehouse_id, order_id, status, service_code, box_id, weight_g, length_mm, width_mm, height_mm, volume_mm3,
        ship_to, wave_id, pack_session_id, carton_no, expected_weight_g, contents, packed_by, packed_at)
      values (?, ?, 'packed', ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?, now()) returning id`,
      [
        s.warehouse_id,
        s.order_id,
        order.shipping_method,
        c.box.code,
        c.actual,
        c.box.inner_length_mm,
        c.box.inner_width_mm,
        c.box.inner_height_mm,
        c.box.inner_length_mm * c.box.inner_width_mm * c.box.inner_height_mm,
        JSON.stringify(order.ship_to ?? {}),
        waveId,
        s.id,
        i + 1,
        c.expectedG,
        JSON.stringify(c.items.map((it) => ({ ...it, lpnId: lpn.id }))),
        actor.id,
      ],
    ))!;
    shipmentIds.push(sh.id);
  }
  // What both events say of a carton: which shipment, which order, which carton of how many, in which box.
  const event = (i: number) => ({ warehouseId: s.warehouse_id, rooms: [`shipment:${shipmentIds[i]}`], actorId: actor.id });
  const carton = (i: number, c: CheckedCarton) => ({
    shipmentId: shipmentIds[i]!,
    orderId: s.order_id,
    cartonNo: i + 1,
    cartonCount: plan.length,
    boxId: c.box.code,
    carrierCode: null,
    trackingNumber: null,
  });
  // Created events first, then packed, so every consumer sees each shipment exist before it is packed.
  for (const [i, c] of plan.entries())
    await emit(em, { type: 'shipment.created', ...event(i), payload: { ...carton(i, c), serviceCode: order.shipping_method } });
  for (const [i, c] of plan.entries())
    await emit(em, {
      type: 'shipment.packed',
      ...event(i),
      payload: {
        ...carton(i, c),
        weightG: c.actual,
        expectedWeightG: c.expectedG,
        lengthMm: c.box.inner_length_mm,
        widthMm: c.box.inner_width_mm,
        heightMm: c.box.inner_height_mm,
      },
    });
  return shipmentIds;
}
export type MoveFromTotesRow = Pick<StockBalanceRow, 'lot' | 'lpn_id' | 'on_hand'> & { expiry: string | null };

/** Moves qty of a SKU out of the order's totes (any lot, any tote) into a carton, as pack movements. */
async function moveFromTotes(
  em: EntityManager,
  warehouseId: string,
  carts: string,
  toteLpns: string[],
  skuId: string,
  qty: number,
  to: { locationId: string; lpnId: string },
  actor: Actor,
  orderId: string,
): Promise<void> {
  const bals = await sql<MoveFromTotesRow>(
    em,
    `select lot, expiry::text as expiry, lpn_id, on_hand from stock_balance
    where location_id = ? and sku_id = ? and lpn_id = any(?::uuid[]) and on_hand > 0 and status = 'available' order by expiry nulls last, lot for update`,
    [carts, skuId, `{${toteLpns.join(',')}}`],
  );
  let need = qty;
  for (const b of bals) {
    if (need === 0) break;
    const q = Math.min(need, b.on_hand);
    await postMovement(em, {
      warehouseId,
      type: 'pack',
      skuId,
      qty: q,
      from: { locationId: carts, lpnId: b.lpn_id, lot: b.lot, expiry: b.expiry },
      to: { ...to, lot: b.lot, expiry: b.expiry },
      userId: actor.id,
      deviceId: actor.deviceId,
      refType: 'order',
      refId: orderId,
    });
    need -= q;
  }
  if (need > 0) throw new Conflict(`The totes hold ${qty - need} of the ${qty} units to pack`, 'tote-stock-mismatch');
}
