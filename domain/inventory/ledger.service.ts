/**
 * The stock ledger: the only way inventory changes. Every change is an immutable double-entry movement
 * (from a real or virtual location to another); balances per (location, SKU, lot, expiry, LPN, status)
 * are updated in the same transaction, and the database CHECKs (on_hand >= 0, 0 <= reserved <= on_hand)
 * back the code up. Reservations are two-phase: pending → posted (in full or part) or released, once.
 *
 * Lock order (to keep deadlocks rare; withTx retries the rest): reservation row, then balance rows.
 * Balances are updated before the movement row is inserted, so movement ids follow lock order per balance.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { eventSchemas } from '../events/catalogue.js';
import { idempotencyCommitted, idempotencyContext } from '../../platform/idempotency-context.js';
import { outboxWritten } from '../../platform/outbox-wake.js';
import { groupCommit, LedgerCallError, type LedgerFn } from './ledger-group-commit.js';
import { BadRequest, Conflict, DomainError, InsufficientStock, NotFound, ValidationFailed } from '../shared/errors.js';
import { pgPrepared, sql, sqlOne } from '../shared/sql.js';
import type {
  ConsumeCmd,
  Movement,
  PostMovementCmd,
  ReleaseSelector,
  Reservation,
  ReserveCmd,
  ReserveResult,
  StockKey,
  StockStatus,
  VirtualLocation,
} from './ledger.types.js';
import type { StockBalanceRow } from './entities/stock-balance.entity.js';
import type { StockReservationRow } from './entities/stock-reservation.entity.js';

export * from './ledger.types.js';

/** Location types stock may be reserved (allocated) from. */
export const ALLOCATABLE_LOCATION_TYPES = ['pick_face', 'reserve', 'staging'] as const;
const ALLOCATABLE = `{${ALLOCATABLE_LOCATION_TYPES.join(',')}}`;
/** Movement types that take stock out towards a customer: never from held or quarantined stock. */
const OUTBOUND = new Set(['pick', 'pack', 'ship']);

interface NormKey {
  locationId: string;
  lot: string | null;
  expiry: string | null;
  lpnId: string | null;
  status: StockStatus;
}

function norm(k: StockKey): NormKey {
  if (k.expiry != null && !/^\d{4}-\d{2}-\d{2}$/.test(k.expiry)) throw new BadRequest(`expiry must be yyyy-mm-dd, got ${k.expiry}`);
  return {
    locationId: k.locationId,
    lot: k.lot ? k.lot : null,
    expiry: k.expiry ?? null,
    lpnId: k.lpnId ?? null,
    status: k.status ?? 'available',
  };
}

function sameKey(a: NormKey, b: NormKey): boolean {
  return a.locationId === b.locationId && a.lot === b.lot && a.expiry === b.expiry && a.lpnId === b.lpnId && a.status === b.status;
}

function defaultVirtual(side: 'from' | 'to', type: PostMovementCmd['type']): VirtualLocation {
  if (side === 'from') return type === 'receipt' ? 'supplier' : type === 'return' ? 'customer' : 'adjustment';
  return type === 'scrap' ? 'scrap' : OUTBOUND.has(type) ? 'customer' : 'adjustment';
}

/** The destination's limits and current load, as ledger_move reports a movement that does not fit (DS40C). */
interface CapacityDetail {
  code: string;
  vol: number | string;
  wt: number | string;
  skus: number;
  lots: number;
  unitVolume: number | string;
  unitWeight: number;
  maxVolume: number | string | null;
  maxWeight: number | null;
  maxSkus: number | null;
  mixedLots: boolean;
}

/** The 409 a movement that would overfill its destination gets: volume, weight, distinct SKUs, a second lot where mixed lots are not allowed. */
function capacityExceeded(d: CapacityDetail, add: { skuId: string; code: string; qty: number }, locationId: string): DomainError {
  const why: string[] = [];
  const vol = Number(d.vol) + add.qty * Number(d.unitVolume);
  const wt = Number(d.wt) + add.qty * d.unitWeight;
  const maxVolume = d.maxVolume === null ? null : Number(d.maxVolume);
  if (maxVolume !== null && vol > maxVolume) why.push(`volume ${vol} mm³ > ${maxVolume} mm³`);
  if (d.maxWeight !== null && wt > d.maxWeight) why.push(`weight ${wt} g > ${d.maxWeight} g`);
  if (d.maxSkus !== null && d.skus + 1 > d.maxSkus) why.push(`${d.skus + 1} SKUs > ${d.maxSkus} allowed`);
  if (!d.mixedLots && d.lots > 0) why.push('another lot is stored there and mixed lots are not allowed');
  return new DomainError(
    'location-capacity-exceeded',
    409,
    'Location capacity exceeded',
    `${add.qty} × ${add.code} do not fit in ${d.code}: ${why.join('; ')}`,
    why.map((w) => ({ path: 'to.locationId', message: w })),
    { locationId, skuId: add.skuId },
  );
}

interface Internal {
  /** Consuming a reservation on the from-balance: reserved drops by this much with on_hand. */
  consumeReservedQty?: number;
  emitEvent?: boolean;
}
/** What ledger_move returns (migrations/Migration20261130051201_ledger_move_validates.ts). */
export interface LedgerMoveResult {
  id: string;
  createdAt: string;
  fromBalanceId: string | null;
  toBalanceId: string | null;
}

/** The one column a ledger function call returns. */
export type LedgerCallRow<T> = { r: T };

/**
 * Calls one of the ledger's server-side functions with a jsonb argument. Inside a transaction it is one
 * statement of it. Outside one it is a transaction of its own, grouped with concurrent calls
 * (ledger-group-commit.ts): the balance-row locks it takes last one round trip, and the request's
 * Idempotency-Key is marked applied in the same call.
 */
async function ledgerCall<T>(em: EntityManager, fn: LedgerFn, arg: Record<string, unknown>): Promise<T> {
  if (em.isInTransaction()) {
    let rows: LedgerCallRow<T>[];
    try {
      rows = await pgPrepared<LedgerCallRow<T>>(em, `select ${fn}(?::jsonb) as r`, [JSON.stringify(arg)]);
    } catch (err) {
      // The ledger's own SQLSTATEs fail exactly as from a grouped call (the server's message and detail); the
      // rest (deadlock, serialization failure …) as the ORM's typed errors, which withTx retries.
      const e = err as { code?: string; message: string; detail?: string };
      if (e.code?.startsWith('DS')) throw new LedgerCallError(e.message, e.code, e.detail ?? null);
      throw em.getDriver().convertException(err as Error);
    }
    if (arg.event) outboxWritten(em);
    return rows[0]!.r;
  }
  const idem = idempotencyContext.getStore();
  const r = await groupCommit<T>(em, fn, idem && !idem.marked ? { ...arg, idempotency: { scope: idem.scope, key: idem.key } } : arg);
  if (idem) idempotencyCommitted();
  if (arg.event) outboxWritten(em);
  return r;
}

/** Validates an event a ledger function completes server-side: the fields it fills in are checked as placeholders, then left out. */
function eventPayload<T extends 'stock.moved' | 'stock.reserved'>(
  type: T,
  base: Record<string, unknown>,
  filled: Record<string, unknown> = type === 'stock.moved' ? { movementId: '0' } : { qty: 0, shortQty: 0, reservationIds: [] },
): Record<string, unknown> {
  const parsed = { ...(eventSchemas[type].parse({ ...base, ...filled }) as Record<string, unknown>) };
  for (const k of Object.keys(filled)) delete parsed[k];
  return parsed;
}

/**
 * Posts one movement: debits `from`, credits `to`, appends the immutable row, emits `stock.moved`. One call of
 * ledger_move, which also validates the SKU, the locations and plates (of the movement's warehouse), lot and
 * expiry on receipts of tracked SKUs, the destination's capacity, and turns stock arriving under a hold into
 * quarantine: one round trip (grouped with concurrent calls outside a transaction).
 */
export async function postMovement(tx: EntityManager, cmd: PostMovementCmd, internal: Internal = {}): Promise<Movement> {
  if (!Number.isInteger(cmd.qty) || cmd.qty <= 0) throw new BadRequest(`qty must be a positive integer, got ${cmd.qty}`);
  if (!cmd.from && !cmd.to) throw new BadRequest('a movement needs a from or a to location');
  const from = cmd.from ? norm(cmd.from) : null;
  const to = cmd.to ? norm(cmd.to) : null;
  if (from && to && sameKey(from, to)) throw new BadRequest('from and to are the same stock key');
  if (from && OUTBOUND.has(cmd.type) && from.status !== 'available')
    throw new Conflict(`Stock in status ${from.status} cannot be ${cmd.type}ed`, 'stock-on-hold');

  const fromVirtual = from ? null : (cmd.fromVirtual ?? defaultVirtual('from', cmd.type));
  const toVirtual = to ? null : (cmd.toVirtual ?? defaultVirtual('to', cmd.type));
  const payload = {
    type: cmd.type,
    skuId: cmd.skuId,
    qty: cmd.qty,
    from: from ? { ...from } : { locationId: null, virtual: fromVirtual },
    to: to ? { ...to } : { locationId: null, virtual: toVirtual },
    refType: cmd.refType ?? null,
    refId: cmd.refId ?? null,
  };
  // The event is validated here and written by ledger_move in the same call (it adds the movement id, and
  // sets to.status to quarantine when a hold catches the arriving stock).
  const event =
    internal.emitEvent === false
      ? undefined
      : { type: 'stock.moved' as const, actorId: cmd.userId ?? null, payload: eventPayload('stock.moved', payload) };
  let mv: LedgerMoveResult;
  try {
    mv = await ledgerCall<LedgerMoveResult>(tx, 'ledger_move', {
      warehouseId: cmd.warehouseId,
      type: cmd.type,
      skuId: cmd.skuId,
      qty: cmd.qty,
      consume: internal.consumeReservedQty ?? 0,
      from,
      to,
      fromVirtual,
      toVirtual,
      reasonCode: cmd.reasonCode ?? null,
      userId: cmd.userId ?? null,
      deviceId: cmd.deviceId ?? null,
      refType: cmd.refType ?? null,
      refId: cmd.refId ?? null,
      event,
    });
  } catch (err) {
    throw moveError(err, cmd, from, to);
  }
  return {
    id: mv.id,
    warehouseId: cmd.warehouseId,
    type: cmd.type,
    skuId: cmd.skuId,
    qty: cmd.qty,
    fromBalanceId: mv.fromBalanceId,
    toBalanceId: mv.toBalanceId,
    fromLocationId: from?.locationId ?? null,
    toLocationId: to?.locationId ?? null,
    createdAt: new Date(mv.createdAt).toISOString(),
  };
}

/** The domain error for what ledger_move raised (its own SQLSTATEs; anything else passes through). */
function moveError(err: unknown, cmd: PostMovementCmd, from: NormKey | null, to: NormKey | null): unknown {
  const code = (err as { code?: string }).code;
  if (code !== 'DS404' && code !== 'DS422' && code !== 'DS40C' && code !== 'DS409') return err;
  const d = JSON.parse((err as { detail: string }).detail) as Record<string, unknown>;
  if (code === 'DS404') return new NotFound(String(d.what), String(d.id));
  if (code === 'DS422') return new ValidationFailed((err as Error).message, [{ path: String(d.path), message: String(d.message) }]);
  if (code === 'DS40C')
    return capacityExceeded(
      d as unknown as CapacityDetail,
      { skuId: cmd.skuId, code: String(d.skuCode ?? ''), qty: cmd.qty },
      to!.locationId,
    );
  const stock = d as { available: number; locationCode: string | null; skuCode: string };
  return new InsufficientStock(
    `SKU ${stock.skuCode} has ${stock.available} available${stock.locationCode ? ` at ${stock.locationCode}` : ' at that location/lot'}, ${cmd.qty} requested`,
    { skuId: cmd.skuId, locationId: from!.locationId, available: stock.available, requested: cmd.qty },
  );
}

/**
 * Reserves qty of a SKU against available balances: FEFO for expiry-tracked SKUs, FIFO otherwise, holds
 * skipped. One call of ledger_reserve (migrations/Migration20261130032301_ledger_one_round_trip.ts) plans
 * on an unlocked read, raises each balance only if it still has the quantity when the UPDATE reaches it
 * (re-checked after any wait, so concurrent callers never over-reserve), re-plans rows lost to a
 * concurrent taker, writes the reservations and the `stock.reserved` event. Only the rows actually taken
 * are locked, for that one call when `tx` is not in a transaction: a flash sale puts hundreds of
 * reservations on one SKU, and holding the locks across client round trips formed lock convoys.
 * Without allowPartial, a shortfall throws InsufficientStock (409) and nothing stays reserved.
 */
export async function reserve(tx: EntityManager, cmd: ReserveCmd): Promise<ReserveResult> {
  if (!Number.isInteger(cmd.qty) || cmd.qty <= 0) throw new BadRequest(`qty must be a positive integer, got ${cmd.qty}`);
  if (cmd.minExpiryDate != null && !/^\d{4}-\d{2}-\d{2}$/.test(cmd.minExpiryDate))
    throw new BadRequest(`minExpiryDate must be yyyy-mm-dd, got ${cmd.minExpiryDate}`);
  try {
    const r = await ledgerCall<{ reservations: Reservation[]; shortQty: number }>(tx, 'ledger_reserve', {
      warehouseId: cmd.warehouseId,
      skuId: cmd.skuId,
      qty: cmd.qty,
      allowPartial: cmd.allowPartial ?? false,
      locationId: cmd.locationId ?? null,
      lot: cmd.lot ?? null,
      minExpiryDate: cmd.minExpiryDate ?? null,
      excludeLocationIds: cmd.excludeLocationIds ?? [],
      locationTypes: ALLOCATABLE_LOCATION_TYPES,
      refType: cmd.refType,
      refId: cmd.refId,
      event: {
        type: 'stock.reserved',
        actorId: cmd.userId ?? null,
        payload: eventPayload('stock.reserved', { skuId: cmd.skuId, refType: cmd.refType, refId: cmd.refId }),
      },
    });
    return { reservations: r.reservations, shortQty: r.shortQty };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'DS404') throw new NotFound('SKU', cmd.skuId);
    if (code !== 'DS409') throw err;
    const d = JSON.parse((err as { detail: string }).detail) as { available: number };
    const m = /SKU .* requested/.exec((err as Error).message);
    throw new InsufficientStock(m ? m[0] : `SKU has ${d.available} available, ${cmd.qty} requested`, {
      skuId: cmd.skuId,
      available: d.available,
      requested: cmd.qty,
    });
  }
}

export type ReleaseReservationsRow = Pick<StockBalanceRow, 'id'> & { warehouse_id: string };

/** Voids pending reservations (by reference or ids) and gives their quantity back; closed ones are left alone, so it happens once. */
export async function releaseReservations(tx: EntityManager, sel: ReleaseSelector, reason?: string): Promise<{ released: string[] }> {
  const byIds = 'reservationIds' in sel;
  if (byIds && sel.reservationIds.length === 0) return { released: [] };
  const rows = await sql<ReleaseReservationsRow>(
    tx,
    `
    with r as (
      update stock_reservation set status = 'released', closed_at = now()
      where status = 'pending' and ${byIds ? 'id = any(?::uuid[])' : 'ref_type = ? and ref_id = ?'}
      returning id, warehouse_id, balance_id, qty - consumed_qty as q
    ), s as (select balance_id, sum(q)::int as q from r group by balance_id),
    u as (update stock_balance b set reserved = b.reserved - s.q, updated_at = now() from s where b.id = s.balance_id returning b.id)
    select r.id, r.warehouse_id from r`,
    byIds ? [`{${sel.reservationIds.join(',')}}`] : [sel.refType, sel.refId],
  );
  const byWh = new Map<string, string[]>();
  for (const r of rows) byWh.set(r.warehouse_id, [...(byWh.get(r.warehouse_id) ?? []), r.id]);
  for (const [warehouseId, reservationIds] of byWh) {
    await emit(tx, {
      type: 'stock.reservation_released',
      warehouseId,
      payload: { reservationIds, ...(byIds ? {} : { refType: sel.refType, refId: sel.refId }), ...(reason ? { reason } : {}) },
    });
  }
  return { released: rows.map((r) => r.id) };
}
export type ConsumeReservationRow = Pick<
  StockReservationRow,
  'id' | 'warehouse_id' | 'qty' | 'consumed_qty' | 'sku_id' | 'ref_type' | 'ref_id' | 'balance_id'
> &
  Pick<StockBalanceRow, 'location_id' | 'lot' | 'lpn_id'> & { status: string; expiry: string | null; b_status: StockStatus };

/**
 * Posts (part of) a pending reservation: moves qty from the reserved balance to `to` as one ledger
 * movement (default type pick) and marks the reservation posted. The unconsumed rest is released,
 * unless keepRemainder keeps it pending for a later trip. qty 0 with keepRemainder false = a full short.
 */
export async function consumeReservation(
  tx: EntityManager,
  reservationId: string,
  cmd: ConsumeCmd,
): Promise<{ movement: Movement | null; releasedQty: number; remainingQty: number }> {
  if (!Number.isInteger(cmd.qty) || cmd.qty < 0) throw new BadRequest(`qty must be a non-negative integer, got ${cmd.qty}`);
  const r = await sqlOne<ConsumeReservationRow>(
    tx,
    `select r.id, r.warehouse_id, r.status, r.qty, r.consumed_qty, r.sku_id, r.ref_type, r.ref_id, r.balance_id,
      b.location_id, b.lot, b.expiry::text as expiry, b.lpn_id, b.status as b_status
    from stock_reservation r join stock_balance b on b.id = r.balance_id where r.id = ? for update of r`,
    [reservationId],
  );
  if (!r) throw new NotFound('Reservation', reservationId);
  if (r.status !== 'pending') throw new Conflict(`Reservation ${reservationId} is already ${r.status}`, 'reservation-closed');
  const open = r.qty - r.consumed_qty;
  if (cmd.qty > open) throw new Conflict(`Reservation ${reservationId} has ${open} left, ${cmd.qty} requested`, 'reservation-exceeded');
  let movement: Movement | null = null;
  if (cmd.qty > 0) {
    movement = await postMovement(
      tx,
      {
        warehouseId: r.warehouse_id,
        type: cmd.type ?? 'pick',
        skuId: r.sku_id,
        qty: cmd.qty,
        from: { locationId: r.location_id, lot: r.lot, expiry: r.expiry, lpnId: r.lpn_id, status: r.b_status },
        to: cmd.to,
        userId: cmd.userId,
        deviceId: cmd.deviceId,
        refType: r.ref_type,
        refId: r.ref_id,
      },
      { consumeReservedQty: cmd.qty },
    );
  }
  const consumed = r.consumed_qty + cmd.qty;
  const rest = r.qty - consumed;
  const keep = cmd.keepRemainder && rest > 0;
  await sql(tx, `update stock_reservation set consumed_qty = ?, status = ?, closed_at = ${keep ? 'null' : 'now()'} where id = ?`, [
    consumed,
    keep ? 'pending' : consumed > 0 ? 'posted' : 'released',
    reservationId,
  ]);
  if (!keep && rest > 0)
    await sql(tx, 'update stock_balance set reserved = reserved - ?, updated_at = now() where id = ?', [rest, r.balance_id]);
  await emit(tx, {
    type: 'stock.reservation_consumed',
    warehouseId: r.warehouse_id,
    actorId: cmd.userId,
    payload: { reservationId, qty: cmd.qty, releasedQty: keep ? 0 : rest },
  });
  return { movement, releasedQty: keep ? 0 : rest, remainingQty: keep ? rest : 0 };
}
export type AvailableAtRow = { n: string | number };

/** Quantity reserve() could take right now for a SKU in a warehouse (optionally at one location). */
export async function availableAt(tx: EntityManager, q: { warehouseId: string; skuId: string; locationId?: string }): Promise<number> {
  const row = await sqlOne<AvailableAtRow>(
    tx,
    `
    select coalesce(sum(b.on_hand - b.reserved), 0) as n
    from stock_balance b join location l on l.id = b.location_id
    where b.warehouse_id = ? and b.sku_id = ? and b.status = 'available' and b.on_hand > 0
      and l.active and l.type = any(?::text[]) and (?::uuid is null or b.location_id = ?::uuid)
      and not exists (select 1 from stock_hold h where h.active and h.sku_id = b.sku_id and (h.lot is null or h.lot = b.lot)
        and (h.warehouse_id is null or h.warehouse_id = b.warehouse_id) and (h.location_id is null or h.location_id = b.location_id))`,
    [q.warehouseId, q.skuId, ALLOCATABLE, q.locationId ?? null, q.locationId ?? null],
  );
  return Number(row?.n ?? 0);
}
