import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { postMovement } from '../inventory/ledger.service.js';
import { createLpn } from '../inventory/lpn.service.js';
import { logOrder } from '../orders/order-log.js';
import { CARTS_CODE, OUTBOUND_CODE, floorLocation } from '../picking/floor-locations.js';
import { resolveItemScan, scannedTote } from '../picking/scan-match.js';
import { Conflict, DomainError, NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import { cartonize, expandLines, type BoxType } from './cartonize/index.js';
import { holdSession, PACK_LEASE_S } from './pack-lease.js';
import type { CartonProposal, PackInput, PackSessionView } from './pack.schemas.js';
import { weightToleranceG, weightWithinTolerance } from './weight-check.js';
import { moveOrders } from '../orders/order-status.js';
import { movePackSession } from './pack-session.lifecycle.js';
import type { FloorSettingsRow } from './entities/floor-settings.entity.js';
import type { ToteRow } from '../picking/entities/tote.entity.js';
import type { TaskLineRow } from '../tasks/entities/task-line.entity.js';
import type { PackItemRow } from './entities/pack-item.entity.js';
import type { SkuRow as SkuTableRow } from '../catalog/entities/sku.entity.js';
import type { SalesOrderRow } from '../orders/entities/sales-order.entity.js';
import type { WaveOrderRow } from '../picking/entities/wave-order.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { StockBalanceRow } from '../inventory/entities/stock-balance.entity.js';
import type { PackSessionRow } from './entities/pack-session.entity.js';

interface SessionRow {
  id: string;
  warehouse_id: string;
  station_code: string;
  order_id: string;
  status: PackSessionView['status'];
  tote_codes: string[];
  proposal: PackSessionView['proposal'];
  packer_id: string | null;
  lease_expires_at: Date | string | null;
}
interface SkuRow {
  id: string;
  code: string;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  weight_g: number;
  fragile: boolean;
  this_side_up: boolean;
}
/** A SKU of the order with the quantity picked into its totes. */
export type PickedSkuRow = SkuRow & { qty: number };
interface BoxRow {
  code: string;
  inner_length_mm: number;
  inner_width_mm: number;
  inner_height_mm: number;
  max_weight_g: number;
  tare_g: number;
}

async function settings(em: EntityManager, warehouseId: string): Promise<{ pct: number; minG: number; support: number }> {
  const s = await sqlOne<Pick<FloorSettingsRow, 'weight_tolerance_pct' | 'weight_tolerance_min_g' | 'min_support_ratio'>>(
    em,
    'select * from floor_settings where warehouse_id = ?',
    [warehouseId],
  );
  return {
    pct: s ? Number(s.weight_tolerance_pct) : 5,
    minG: s?.weight_tolerance_min_g ?? 20,
    support: s ? Number(s.min_support_ratio) : 0.5,
  };
}

/** Sets a warehouse's pack tolerances (scale check) and support rule (cartonization). */
export async function setPackSettings(
  em: EntityManager,
  warehouseId: string,
  b: { weightTolerancePct: number; weightToleranceMinG: number; minSupportRatio: number },
): Promise<void> {
  await sql(
    em,
    `insert into floor_settings (warehouse_id, weight_tolerance_pct, weight_tolerance_min_g, min_support_ratio) values (?, ?, ?, ?)
    on conflict (warehouse_id) do update set weight_tolerance_pct = excluded.weight_tolerance_pct, weight_tolerance_min_g = excluded.weight_tolerance_min_g,
    min_support_ratio = excluded.min_support_ratio, updated_at = now()`,
    [warehouseId, b.weightTolerancePct, b.weightToleranceMinG, b.minSupportRatio],
  );
}

async function boxes(em: EntityManager, warehouseId: string): Promise<BoxRow[]> {
  // A warehouse's own box of a code replaces the global one.
  return sql<BoxRow>(
    em,
    `select distinct on (code) code, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g from box_type
    where active and (warehouse_id = ? or warehouse_id is null) order by code, warehouse_id nulls last`,
    [warehouseId],
  );
}

/** Proposes cartons for the order's items from the box catalogue (3D cartonization; fewest boxes, then least volume). */
export function proposeCartons(
  items: { sku: SkuRow; qty: number }[],
  catalogue: BoxRow[],
  minSupportRatio: number,
): NonNullable<PackSessionView['proposal']> {
  const byCode = new Map(items.map((i) => [i.sku.code, i.sku]));
  const units = expandLines(
    items.map(({ sku, qty }) => ({
      sku: sku.code,
      qty,
      lengthMm: sku.length_mm,
      widthMm: sku.width_mm,
      heightMm: sku.height_mm,
      weightG: sku.weight_g,
      fragile: sku.fragile,
      thisSideUp: sku.this_side_up,
    })),
  );
  const boxTypes: BoxType[] = catalogue.map((b) => ({
    boxId: b.code,
    innerLengthMm: b.inner_length_mm,
    innerWidthMm: b.inner_width_mm,
    innerHeightMm: b.inner_height_mm,
    maxWeightG: b.max_weight_g,
    tareG: b.tare_g,
  }));
  const r = cartonize(units, boxTypes, { minSupportRatio });
  const codeOf = (itemId: string) => itemId.slice(0, itemId.lastIndexOf('#'));
  const cartons: CartonProposal[] = r.cartons.map((c) => {
    const count = new Map<string, number>();
    for (const it of c.items) count.set(codeOf(it.itemId), (count.get(codeOf(it.itemId)) ?? 0) + 1);
    return {
      boxCode: c.boxId,
      expectedWeightG: c.grossWeightG,
      fillRate: Math.round(c.fillRate * 1000) / 1000,
      voidFillMm3: c.voidFillMm3,
      items: [...count].map(([code, qty]) => ({ skuId: byCode.get(code)!.id, skuCode: code, qty })),
    };
  });
  const unpacked = r.unpacked.map((u) => ({ skuId: byCode.get(codeOf(u.itemId))!.id, reason: u.reason }));
  return { cartons, unpacked };
}

/**
 * A tote scanned at a pack station opens (or resumes) the pack session of its order: the order must be
 * fully picked (all its totes consolidated), its lines become the list to verify, and a carton proposal
 * is computed from the box catalogue.
 */
export async function startPack(
  em: EntityManager,
  actor: Actor,
  warehouseId: string,
  stationCode: string,
  toteScan: string,
): Promise<PackSessionView> {
  if (!canSeeWarehouse(actor, warehouseId)) throw new NotFound('Warehouse', warehouseId);
  const code = scannedTote(toteScan);
  const tote = await sqlOne<Pick<ToteRow, 'order_id' | 'status'>>(
    em,
    'select order_id, status from tote where warehouse_id = ? and code = ?',
    [warehouseId, code],
  );
  if (!tote?.order_id) throw new NotFound('Tote with an order', code);
  const orderId = tote.order_id;
  await sqlOne(em, 'select id from sales_order where id = ? for update', [orderId]);
  const existing = await sqlOne<SessionRow>(em, `select * from pack_session where order_id = ? and status in ('verifying', 'verified')`, [
    orderId,
  ]);
  if (existing) {
    await holdSession(em, actor, existing, stationCode);
    return sessionView(em, existing);
  }
  const openLines = await sql<Pick<TaskLineRow, 'task_id' | 'tote_code'>>(
    em,
    `select l.task_id, l.tote_code from task_line l join task t on t.id = l.task_id
    where l.order_id = ? and l.status = 'open' and t.status <> 'cancelled'`,
    [orderId],
  );
  if (openLines.length)
    throw new Conflict(
      `The order is not fully picked: ${openLines.length} line(s) open on task(s) ${[...new Set(openLines.map((l) => l.task_id))].join(', ')}`,
      'order-not-consolidated',
      { openTaskIds: [...new Set(openLines.map((l) => l.task_id))] },
    );
  const totes = (
    await sql<Pick<ToteRow, 'code'>>(em, 'select code from tote where warehouse_id = ? and order_id = ? order by code', [
      warehouseId,
      orderId,
    ])
  ).map((t) => t.code);
  const items = await sql<PickedSkuRow>(
    em,
    `
    select s.id, s.code, s.length_mm, s.width_mm, s.height_mm, s.weight_g, s.fragile, s.this_side_up, sum(l.qty_picked)::int as qty
    from task_line l join task t on t.id = l.task_id join sku s on s.id = l.sku_id
    where l.order_id = ? and l.qty_picked > 0 and t.status <> 'cancelled' group by s.id order by s.code`,
    [orderId],
  );
  if (items.length === 0) throw new Conflict('Nothing was picked for this order', 'nothing-picked');
  const st = await settings(em, warehouseId);
  const proposal = proposeCartons(
    items.map((i) => ({ sku: i, qty: i.qty })),
    await boxes(em, warehouseId),
    st.support,
  );
  const s = (await sqlOne<SessionRow>(
    em,
    `insert into pack_session (warehouse_id, station_code, order_id, packer_id, tote_codes, proposal, lease_expires_at)
    values (?, ?, ?, ?, ?::text[], ?::jsonb, now() + make_interval(secs => ?)) returning *`,
    [
      warehouseId,
      stationCode,
      orderId,
      actor.kind === 'user' ? actor.id : null,
      `{${totes.join(',')}}`,
      JSON.stringify(proposal),
      PACK_LEASE_S,
    ],
  ))!;
  await sql(
    em,
    `insert into pack_item (session_id, sku_id, qty_expected) select ?, x.id, x.q from unnest(?::uuid[], ?::int[]) as x(id, q)`,
    [s.id, `{${items.map((i) => i.id).join(',')}}`, `{${items.map((i) => i.qty).join(',')}}`],
  );
  return sessionView(em, s);
}

async function lockSession(em: EntityManager, actor: Actor, sessionId: string): Promise<SessionRow> {
  const s = await sqlOne<SessionRow>(em, 'select * from pack_session where id = ? for update', [sessionId]);
  if (!s || !canSeeWarehouse(actor, s.warehouse_id)) throw new NotFound('Pack session', sessionId);
  await holdSession(em, actor, s);
  return s;
}
export type VerifyItemRow = { n: number };

/** Verifies items by scan against the order; a wrong or surplus item is refused (422) and reported. */
export async function verifyItem(
  em: EntityManager,
  actor: Actor,
  sessionId: string,
  itemScan: string,
  qty: number,
): Promise<PackSessionView> {
  const s = await lockSession(em, actor, sessionId);
  if (s.status !== 'verifying') throw new Conflict(`Pack session is ${s.status}`, 'pack-session-not-verifying');
  const item = await resolveItemScan(em, itemScan);
  const row = await sqlOne<Pick<PackItemRow, 'qty_expected' | 'qty_verified'>>(
    em,
    'select qty_expected, qty_verified from pack_item where session_id = ? and sku_id = ?',
    [sessionId, item.skuId],
  );
  if (!row)
    throw new ValidationFailed(
      'This item is not in the order',
      [{ path: 'body.itemScan', message: 'not in the order' }],
      'item-not-in-order',
    );
  if (row.qty_verified + qty > row.qty_expected)
    throw new ValidationFailed(
      `Only ${row.qty_expected - row.qty_verified} more of this item expected`,
      [{ path: 'body.qty', message: 'more than picked' }],
      'over-verify',
    );
  await sql(em, 'update pack_item set qty_verified = qty_verified + ? where session_id = ? and sku_id = ?', [qty, sessionId, item.skuId]);
  const left = await sqlOne<VerifyItemRow>(
    em,
    'select count(*)::int as n from pack_item where session_id = ? and qty_verified < qty_expected',
    [sessionId],
  );
  if (left!.n === 0) {
    await movePackSession(em, s, 'verified');
    s.status = 'verified';
  }
  return sessionView(em, s);
}
export type PackOrderRow = Pick<PackItemRow, 'sku_id' | 'qty_expected'> & Pick<SkuTableRow, 'weight_g' | 'code'>;
export type PackOrderRow2 = Pick<SalesOrderRow, 'shipping_method'> & { ship_to: unknown };

/** A tote of the order that carries an LPN (the query keeps only those). */
export interface ToteLpnRow {
  lpn_id: string;
}

/**
 * Packs the verified order: cartons as proposed (or the packer's override), each weighed against its
 * expected weight (tare + contents, tolerance from the warehouse settings). Stock moves from the totes
 * into one carton LPN per carton at OUTBOUND; one shipment per carton (status packed, box, dimensions,
 * weight); totes are freed; `shipment.created` and `shipment.packed` go out for each.
 */
export async function packOrder(em: EntityManager, actor: Actor, sessionId: string, input: PackInput): Promise<PackSessionView> {
  const s = await lockSession(em, actor, sessionId);
  if (s.status === 'packed') return sessionView(em, s);
  if (s.status !== 'verified') throw new Conflict('Verify every item before packing', 'pack-not-verified');
  const expected = await sql<PackOrderRow>(
    em,
    `select p.sku_id, p.qty_expected, s.weight_g, s.code from pack_item p join sku s on s.id = p.sku_id where p.session_id = ?`,
    [sessionId],
  );
  const cartons =
    input.cartons ??
    (s.proposal && s.proposal.unpacked.length === 0
      ? s.proposal.cartons.map((c) => ({ boxCode: c.boxCode, items: c.items.map((i) => ({ skuId: i.skuId, qty: i.qty })) }))
      : null);
  if (!cartons)
    throw new ValidationFailed(
      'The proposal leaves items unpacked: give the cartons',
      [{ path: 'body.cartons', message: 'required' }],
      'cartons-required',
    );
  const total = new Map<string, number>();
  for (const c of cartons) for (const i of c.items) total.set(i.skuId, (total.get(i.skuId) ?? 0) + i.qty);
  for (const e of expected)
    if (total.get(e.sku_id) !== e.qty_expected)
      throw new ValidationFailed(
        `Cartons hold ${total.get(e.sku_id) ?? 0} of ${e.code}, the order has ${e.qty_expected}`,
        [{ path: 'body.cartons', message: 'contents differ from the order' }],
        'carton-contents-mismatch',
      );
  if (total.size !== expected.length)
    throw new ValidationFailed(
      'Cartons hold items that are not in the order',
      [{ path: 'body.cartons', message: 'unknown item' }],
      'carton-contents-mismatch',
    );
  if (input.weightsG.length !== cartons.length)
    throw new ValidationFailed(`${cartons.length} carton(s), ${input.weightsG.length} weight(s)`, [
      { path: 'body.weightsG', message: 'one weight per carton' },
    ]);
  const catalogue = new Map((await boxes(em, s.warehouse_id)).map((b) => [b.code, b]));
  const weightOf = new Map(expected.map((e) => [e.sku_id, e.weight_g]));
  const st = await settings(em, s.warehouse_id);
  const plan = cartons.map((c, i) => {
    const box = catalogue.get(c.boxCode);
    if (!box)
      throw new ValidationFailed(
        `No box ${c.boxCode} in the catalogue`,
        [{ path: `body.cartons.${i}.boxCode`, message: 'unknown box' }],
        'unknown-box',
      );
    const expectedG = box.tare_g + c.items.reduce((sum, it) => sum + it.qty * (weightOf.get(it.skuId) ?? 0), 0);
    const actual = input.weightsG[i]!;
    if (!weightWithinTolerance(actual, expectedG, st.pct, st.minG)) {
      throw new ValidationFailed(
        `Carton ${i + 1} weighs ${actual} g, expected ${expectedG} g ± ${weightToleranceG(expectedG, st.pct, st.minG)} g: check its contents`,
        [{ path: `body.weightsG.${i}`, message: 'outside tolerance' }],
        'weight-out-of-tolerance',
      );
    }
    return { ...c, box, expectedG, actual };
  });
  const order = (await sqlOne<PackOrderRow2>(em, 'select shipping_method, ship_to from sales_order where id = ?', [s.order_id]))!;
  const wave = await sqlOne<Pick<WaveOrderRow, 'wave_id'>>(
    em,
    `select wave_id from wave_order where order_id = ? and status <> 'removed'`,
    [s.order_id],
  );
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
        wave?.wave_id ?? null,
        s.id,
        i + 1,
        c.expectedG,
        JSON.stringify(c.items.map((it) => ({ ...it, lpnId: lpn.id }))),
        actor.id,
      ],
    ))!;
    shipmentIds.push(sh.id);
  }
  // Created events first, then packed, so every consumer sees each shipment exist before it is packed.
  for (const [i, c] of plan.entries()) {
    await emit(em, {
      type: 'shipment.created',
      warehouseId: s.warehouse_id,
      rooms: [`shipment:${shipmentIds[i]}`],
      actorId: actor.id,
      payload: {
        shipmentId: shipmentIds[i]!,
        orderId: s.order_id,
        cartonNo: i + 1,
        cartonCount: plan.length,
        boxId: c.box.code,
        carrierCode: null,
        serviceCode: order.shipping_method,
        trackingNumber: null,
      },
    });
  }
  for (const [i, c] of plan.entries()) {
    await emit(em, {
      type: 'shipment.packed',
      warehouseId: s.warehouse_id,
      rooms: [`shipment:${shipmentIds[i]}`],
      actorId: actor.id,
      payload: {
        shipmentId: shipmentIds[i]!,
        orderId: s.order_id,
        cartonNo: i + 1,
        cartonCount: plan.length,
        boxId: c.box.code,
        weightG: c.actual,
        expectedWeightG: c.expectedG,
        lengthMm: c.box.inner_length_mm,
        widthMm: c.box.inner_width_mm,
        heightMm: c.box.inner_height_mm,
        carrierCode: null,
        trackingNumber: null,
      },
    });
  }
  await movePackSession(em, s, 'packed', { set: 'packed_at = now()' });
  await sql(
    em,
    `update tote set status = 'free', order_id = null, task_id = null, updated_at = now() where warehouse_id = ? and order_id = ?`,
    [s.warehouse_id, s.order_id],
  );
  await moveOrders(em, [s.order_id], 'packed', { from: ['released', 'picking', 'picked'] });
  await logOrder(em, s.order_id, {
    category: 'fulfilment',
    action: 'packed',
    message: `Packed in ${plan.length} carton(s): ${plan.map((c) => c.box.code).join(', ')}`,
    data: { shipmentIds },
  });
  // The wave's completion is settled after commit by the floor-events worker (settleWave), so the last packs of a
  // wave never deadlock on the wave row while holding stock locks.
  if (wave) await sql(em, `update wave_order set status = 'packed' where wave_id = ? and order_id = ?`, [wave.wave_id, s.order_id]);
  return sessionView(em, { ...s, status: 'packed' });
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

export async function getPackSession(em: EntityManager, actor: Actor, sessionId: string): Promise<PackSessionView> {
  const s = await sqlOne<SessionRow>(em, 'select * from pack_session where id = ?', [sessionId]);
  if (!s || !canSeeWarehouse(actor, s.warehouse_id)) throw new NotFound('Pack session', sessionId);
  return sessionView(em, s);
}
export type SessionViewRow = Pick<PackItemRow, 'sku_id' | 'qty_expected' | 'qty_verified'> & Pick<SkuTableRow, 'code'>;

async function sessionView(em: EntityManager, s: SessionRow): Promise<PackSessionView> {
  const items = await sql<SessionViewRow>(
    em,
    `select p.sku_id, s.code, p.qty_expected, p.qty_verified
    from pack_item p join sku s on s.id = p.sku_id where p.session_id = ? order by s.code`,
    [s.id],
  );
  const ships = await sql<Pick<ShipmentRow, 'id'>>(em, 'select id from shipment where pack_session_id = ? order by carton_no', [s.id]);
  return {
    id: s.id,
    warehouseId: s.warehouse_id,
    orderId: s.order_id,
    stationCode: s.station_code,
    status: s.status,
    toteCodes: s.tote_codes,
    items: items.map((i) => ({ skuId: i.sku_id, skuCode: i.code, qtyExpected: i.qty_expected, qtyVerified: i.qty_verified })),
    proposal: s.proposal,
    shipmentIds: ships.map((x) => x.id),
  };
}

/** Refusals that mean a parcel's contents and its order disagree: supervisors hear of each one. */
const DISCREPANCY_TYPES = new Set(['item-not-in-order', 'over-verify', 'carton-contents-mismatch', 'weight-out-of-tolerance']);

/**
 * Runs a pack command; when it is refused for a discrepancy, records `pack.discrepancy_found` and
 * rethrows. The refused command's transaction rolled back, so the event is written on its own (one
 * insert, outside any request transaction, so the request's idempotency key stays unapplied).
 */
export async function reportingDiscrepancies<T>(em: EntityManager, sessionId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError && DISCREPANCY_TYPES.has(err.type)) {
      const s = await sqlOne<Pick<PackSessionRow, 'warehouse_id' | 'order_id'>>(
        em.fork(),
        'select warehouse_id, order_id from pack_session where id = ?',
        [sessionId],
      );
      if (s)
        await emit(em.fork(), {
          type: 'pack.discrepancy_found',
          warehouseId: s.warehouse_id,
          payload: { sessionId, orderId: s.order_id, code: err.type, detail: err.message },
        });
    }
    throw err;
  }
}
