/**
 * Holds: the recall case. One command puts a SKU (or one lot of it) on hold everywhere (or in one
 * warehouse / location): pending reservations on that stock are released (allocation re-runs), every
 * available balance is moved to status quarantine through the ledger, reserve() skips it, outbound
 * movements refuse it, and stock of it that arrives later lands in quarantine.
 * Releasing the hold moves quarantined stock matching it back to available unless another hold covers it.
 */
import { keyset } from '../shared/cursor.js';
import type { HoldView } from './inventory.schemas.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { assertInWarehouse } from '../shared/scope.js';
import { sql, sqlOne } from '../shared/sql.js';
import { postMovement, releaseReservations } from './ledger.service.js';
import type { StockReservationRow } from './entities/stock-reservation.entity.js';

export interface PlaceHoldCmd {
  warehouseId: string | null;
  skuId: string;
  lot?: string | null;
  locationId?: string | null;
  reason: string;
  userId?: string;
}

type Bal = {
  id: string;
  warehouse_id: string;
  location_id: string;
  lot: string | null;
  expiry: string | null;
  lpn_id: string | null;
  on_hand: number;
};

const match = (a = '') =>
  `${a}sku_id = ? and (?::text is null or ${a}lot = ?) and (?::uuid is null or ${a}warehouse_id = ?::uuid) and (?::uuid is null or ${a}location_id = ?::uuid)`;
const matchParams = (h: { skuId: string; lot: string | null; warehouseId: string | null; locationId: string | null }) => [
  h.skuId,
  h.lot,
  h.lot,
  h.warehouseId,
  h.warehouseId,
  h.locationId,
  h.locationId,
];

/** Places a hold and quarantines the matching stock in one transaction; returns the hold and what it caught. */
export async function placeHold(
  tx: EntityManager,
  cmd: PlaceHoldCmd,
): Promise<{ hold: HoldView; balances: number; qty: number; releasedReservations: number }> {
  if (!(await sqlOne(tx, 'select 1 from sku where id = ?', [cmd.skuId]))) throw new NotFound('SKU', cmd.skuId);
  // A location named in a warehouse's hold must be of that warehouse (the caller's scope was checked on warehouseId).
  if (cmd.warehouseId) await assertInWarehouse(tx, cmd.warehouseId, [['Location', cmd.locationId]]);
  const h = { skuId: cmd.skuId, lot: cmd.lot || null, warehouseId: cmd.warehouseId, locationId: cmd.locationId ?? null };
  const hold = (await sqlOne<Record<string, any>>(
    tx,
    `insert into stock_hold (warehouse_id, sku_id, lot, location_id, reason, created_by) values (?, ?, ?, ?, ?, ?) returning *`,
    [h.warehouseId, h.skuId, h.lot, h.locationId, cmd.reason, cmd.userId ?? null],
  ))!;
  const balances = await sql<Bal>(
    tx,
    `select id, warehouse_id, location_id, lot, expiry::text as expiry, lpn_id, on_hand from stock_balance
    where ${match()} and status = 'available' and on_hand > 0 order by id for update`,
    matchParams(h),
  );
  const pending = await sql<Pick<StockReservationRow, 'id'>>(
    tx,
    `select id from stock_reservation where status = 'pending' and balance_id = any(?::uuid[])`,
    [`{${balances.map((b) => b.id).join(',')}}`],
  );
  const { released } = await releaseReservations(tx, { reservationIds: pending.map((p) => p.id) }, `hold:${hold.id}`);
  const { qty, byWh } = await moveStatus(tx, balances, {
    skuId: cmd.skuId,
    from: 'available',
    to: 'quarantine',
    reasonCode: 'hold',
    holdId: hold.id,
    userId: cmd.userId,
    warehouseId: h.warehouseId,
  });
  for (const [warehouseId, w] of byWh) {
    await emit(tx, {
      type: 'stock.held',
      warehouseId,
      actorId: cmd.userId,
      payload: {
        holdId: hold.id,
        skuId: cmd.skuId,
        lot: h.lot,
        locationId: h.locationId,
        reason: cmd.reason,
        balances: w.balances,
        qty: w.qty,
        releasedReservations: released.length,
      },
    });
  }
  return { hold: toView(hold), balances: balances.length, qty, releasedReservations: released.length };
}

/** Lifts a hold: matching quarantined stock not covered by another active hold goes back to available. */
export async function releaseHold(
  tx: EntityManager,
  holdId: string,
  userId?: string,
): Promise<{ hold: HoldView; balances: number; qty: number }> {
  const row = await sqlOne<Record<string, any>>(tx, 'select * from stock_hold where id = ? for update', [holdId]);
  if (!row) throw new NotFound('Hold', holdId);
  if (!row.active) throw new Conflict(`Hold ${holdId} is already released`, 'hold-released');
  const hold = (await sqlOne<Record<string, any>>(
    tx,
    'update stock_hold set active = false, released_by = ?, released_at = now() where id = ? returning *',
    [userId ?? null, holdId],
  ))!;
  const h = { skuId: row.sku_id, lot: row.lot, warehouseId: row.warehouse_id, locationId: row.location_id };
  const balances = await sql<Bal>(
    tx,
    `select b.id, b.warehouse_id, b.location_id, b.lot, b.expiry::text as expiry, b.lpn_id, b.on_hand from stock_balance b
    where ${match('b.')} and b.status = 'quarantine' and b.on_hand > 0
      and not exists (select 1 from stock_hold o where o.active and o.sku_id = b.sku_id and (o.lot is null or o.lot = b.lot)
        and (o.warehouse_id is null or o.warehouse_id = b.warehouse_id) and (o.location_id is null or o.location_id = b.location_id))
    order by b.id for update of b`,
    matchParams(h),
  );
  const { qty, byWh } = await moveStatus(tx, balances, {
    skuId: h.skuId,
    from: 'quarantine',
    to: 'available',
    reasonCode: 'hold-released',
    holdId,
    userId,
    warehouseId: h.warehouseId,
  });
  for (const [warehouseId, w] of byWh) {
    await emit(tx, {
      type: 'stock.hold_released',
      warehouseId,
      actorId: userId,
      payload: { holdId, skuId: h.skuId, lot: h.lot, balances: w.balances, qty: w.qty },
    });
  }
  return { hold: toView(hold), balances: balances.length, qty };
}

const holdKeys = keyset(['time', 'uuid']);

/** Holds visible in the given warehouses (global holds included), newest first. */
export async function listHolds(
  em: EntityManager,
  f: { warehouseIds: string[] | null; active?: boolean; limit: number; cursor?: string | null },
) {
  const after = holdKeys.after(f.cursor);
  const rows = await sql<Record<string, any>>(
    em,
    `select *, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_us from stock_hold
    where (?::uuid[] is null or warehouse_id is null or warehouse_id = any(?::uuid[])) and (?::boolean is null or active = ?)
      and (?::timestamptz is null or (created_at, id) < (?::timestamptz, ?::uuid))
    order by created_at desc, id desc limit ?`,
    [
      f.warehouseIds ? `{${f.warehouseIds.join(',')}}` : null,
      f.warehouseIds ? `{${f.warehouseIds.join(',')}}` : null,
      f.active ?? null,
      f.active ?? null,
      after?.[0] ?? null,
      after?.[0] ?? null,
      after?.[1] ?? null,
      f.limit + 1,
    ],
  );
  const page = holdKeys.page(rows, f.limit, (r) => [r.created_us as string, r.id as string]);
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

export async function getHold(em: EntityManager, id: string): Promise<HoldView> {
  const row = await sqlOne<Record<string, any>>(em, 'select * from stock_hold where id = ?', [id]);
  if (!row) throw new NotFound('Hold', id);
  return toView(row);
}

function toView(r: Record<string, any>): HoldView {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    skuId: r.sku_id,
    lot: r.lot,
    locationId: r.location_id,
    reason: r.reason,
    active: r.active,
    createdAt: new Date(r.created_at).toISOString(),
    releasedAt: r.released_at ? new Date(r.released_at).toISOString() : null,
  };
}

/**
 * Moves each balance's whole on-hand between statuses through the ledger (one adjust movement each)
 * and totals per warehouse for the events; the hold's own warehouse is always reported.
 */
async function moveStatus(
  tx: EntityManager,
  balances: Bal[],
  o: {
    skuId: string;
    from: 'available' | 'quarantine';
    to: 'available' | 'quarantine';
    reasonCode: string;
    holdId: string;
    userId?: string;
    warehouseId?: string | null;
  },
): Promise<{ qty: number; byWh: Map<string, { balances: number; qty: number }> }> {
  let qty = 0;
  const byWh = new Map<string, { balances: number; qty: number }>();
  for (const b of balances) {
    const key = { locationId: b.location_id, lot: b.lot, expiry: b.expiry, lpnId: b.lpn_id };
    await postMovement(
      tx,
      {
        warehouseId: b.warehouse_id,
        type: 'adjust',
        skuId: o.skuId,
        qty: b.on_hand,
        from: { ...key, status: o.from },
        to: { ...key, status: o.to },
        reasonCode: o.reasonCode,
        refType: 'hold',
        refId: o.holdId,
        userId: o.userId,
      },
      { emitEvent: false },
    );
    qty += b.on_hand;
    const w = byWh.get(b.warehouse_id) ?? { balances: 0, qty: 0 };
    byWh.set(b.warehouse_id, { balances: w.balances + 1, qty: w.qty + b.on_hand });
  }
  if (o.warehouseId && !byWh.has(o.warehouseId)) byWh.set(o.warehouseId, { balances: 0, qty: 0 });
  return { qty, byWh };
}
