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
import { BadRequest, Conflict, DomainError, InsufficientStock, NotFound, ValidationFailed } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
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
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import type { StockBalanceRow } from './entities/stock-balance.entity.js';
import type { LocationRow } from '../layout/entities/location.entity.js';
import type { StockMovementRow } from './entities/stock-movement.entity.js';
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

const keyString = (k: NormKey) => `${k.locationId}|${k.status}|${k.lot ?? ''}|${k.expiry ?? ''}|${k.lpnId ?? ''}`;

function sameKey(a: NormKey, b: NormKey): boolean {
  return a.locationId === b.locationId && a.lot === b.lot && a.expiry === b.expiry && a.lpnId === b.lpnId && a.status === b.status;
}

function defaultVirtual(side: 'from' | 'to', type: PostMovementCmd['type']): VirtualLocation {
  if (side === 'from') return type === 'receipt' ? 'supplier' : type === 'return' ? 'customer' : 'adjustment';
  return type === 'scrap' ? 'scrap' : OUTBOUND.has(type) ? 'customer' : 'adjustment';
}

const keyWhere = (a = '') =>
  `${a}location_id = ? and ${a}sku_id = ? and ${a}lot is not distinct from ? and ${a}expiry is not distinct from ?::date and ${a}lpn_id is not distinct from ?::uuid and ${a}status = ?`;
const keyParams = (k: NormKey, skuId: string) => [k.locationId, skuId, k.lot, k.expiry, k.lpnId, k.status];

interface LocationLimits {
  code: string;
  maxVolume: number | string | null;
  maxWeight: number | null;
  maxSkus: number | null;
  mixedLots: boolean;
}
export type AssertCapacityRow = { vol: string; wt: string; skus: number; lots: number };

/**
 * Refuses a movement that would overfill its destination: volume and weight (units × the SKU's
 * dimensions), distinct SKUs, and a second lot where mixed lots are not allowed. Only locations with a
 * limit pay for it; their arrivals serialize on an advisory lock so two concurrent moves cannot both
 * squeeze into the last free space. Moves within one location (status changes) never add stock.
 */
async function assertCapacity(
  tx: EntityManager,
  locationId: string,
  lim: LocationLimits,
  add: { skuId: string; code: string; lot: string | null; qty: number },
  unit: { volume: number; weight: number },
): Promise<void> {
  await sql(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`location-capacity:${locationId}`]);
  const cur = (await sqlOne<AssertCapacityRow>(
    tx,
    `select coalesce(sum(b.on_hand::bigint * s.length_mm * s.width_mm * s.height_mm), 0)::text as vol,
      coalesce(sum(b.on_hand::bigint * s.weight_g), 0)::text as wt,
      count(distinct b.sku_id) filter (where b.sku_id <> ?)::int as skus,
      count(*) filter (where coalesce(b.lot, '') <> coalesce(?, ''))::int as lots
    from stock_balance b join sku s on s.id = b.sku_id where b.location_id = ? and b.on_hand > 0`,
    [add.skuId, add.lot, locationId],
  ))!;
  const why: string[] = [];
  const maxVolume = lim.maxVolume === null ? null : Number(lim.maxVolume);
  if (maxVolume !== null && Number(cur.vol) + add.qty * unit.volume > maxVolume)
    why.push(`volume ${Number(cur.vol) + add.qty * unit.volume} mm³ > ${maxVolume} mm³`);
  if (lim.maxWeight !== null && Number(cur.wt) + add.qty * unit.weight > lim.maxWeight)
    why.push(`weight ${Number(cur.wt) + add.qty * unit.weight} g > ${lim.maxWeight} g`);
  if (lim.maxSkus !== null && cur.skus + 1 > lim.maxSkus) why.push(`${cur.skus + 1} SKUs > ${lim.maxSkus} allowed`);
  if (!lim.mixedLots && cur.lots > 0) why.push('another lot is stored there and mixed lots are not allowed');
  if (why.length)
    throw new DomainError(
      'location-capacity-exceeded',
      409,
      'Location capacity exceeded',
      `${add.qty} × ${add.code} do not fit in ${lim.code}: ${why.join('; ')}`,
      why.map((w) => ({ path: 'to.locationId', message: w })),
      { locationId, skuId: add.skuId },
    );
}

interface Internal {
  /** Consuming a reservation on the from-balance: reserved drops by this much with on_hand. */
  consumeReservedQty?: number;
  emitEvent?: boolean;
}
export type PostMovementRow = Pick<SkuRow, 'code' | 'track_lot' | 'track_expiry'> & {
  from_ok: boolean;
  to_ok: boolean;
  from_lpn_ok: boolean;
  to_lpn_ok: boolean;
  held: boolean;
  to_limits: LocationLimits | null;
  unit_volume: string;
  unit_weight: number;
};
export type DebitRow = Pick<StockBalanceRow, 'on_hand' | 'reserved'> & Pick<LocationRow, 'code'>;
export type PostMovementRow2 = Pick<StockMovementRow, 'created_at'> & { id: string };

/** Posts one movement: debits `from`, credits `to`, appends the immutable row, emits `stock.moved`. */
export async function postMovement(tx: EntityManager, cmd: PostMovementCmd, internal: Internal = {}): Promise<Movement> {
  if (!Number.isInteger(cmd.qty) || cmd.qty <= 0) throw new BadRequest(`qty must be a positive integer, got ${cmd.qty}`);
  if (!cmd.from && !cmd.to) throw new BadRequest('a movement needs a from or a to location');
  const from = cmd.from ? norm(cmd.from) : null;
  let to = cmd.to ? norm(cmd.to) : null;
  if (from && to && sameKey(from, to)) throw new BadRequest('from and to are the same stock key');

  // One round trip validates the SKU, both locations' warehouse and any active hold on the incoming lot.
  const ctx = await sqlOne<PostMovementRow>(
    tx,
    `
    select s.code, s.track_lot, s.track_expiry,
      s.length_mm::bigint * s.width_mm * s.height_mm as unit_volume, s.weight_g as unit_weight,
      (select json_build_object('code', code, 'maxVolume', max_volume_mm3, 'maxWeight', max_weight_g, 'maxSkus', max_skus, 'mixedLots', mixed_lots)
        from location where id = ?::uuid and (max_volume_mm3 is not null or max_weight_g is not null or max_skus is not null or not mixed_lots)) as to_limits,
      (?::uuid is null or exists (select 1 from location where id = ?::uuid and warehouse_id = ?)) as from_ok,
      (?::uuid is null or exists (select 1 from location where id = ?::uuid and warehouse_id = ?)) as to_ok,
      (?::uuid is null or exists (select 1 from license_plate where id = ?::uuid and warehouse_id = ?)) as from_lpn_ok,
      (?::uuid is null or exists (select 1 from license_plate where id = ?::uuid and warehouse_id = ?)) as to_lpn_ok,
      exists (select 1 from stock_hold h where h.active and h.sku_id = s.id and (h.lot is null or h.lot = ?)
        and (h.warehouse_id is null or h.warehouse_id = ?) and (h.location_id is null or h.location_id = ?::uuid)) as held
    from sku s where s.id = ?`,
    [
      to?.locationId ?? null,
      from?.locationId ?? null,
      from?.locationId ?? null,
      cmd.warehouseId,
      to?.locationId ?? null,
      to?.locationId ?? null,
      cmd.warehouseId,
      from?.lpnId ?? null,
      from?.lpnId ?? null,
      cmd.warehouseId,
      to?.lpnId ?? null,
      to?.lpnId ?? null,
      cmd.warehouseId,
      to?.lot ?? null,
      cmd.warehouseId,
      to?.locationId ?? null,
      cmd.skuId,
    ],
  );
  if (!ctx) throw new NotFound('SKU', cmd.skuId);
  if (!ctx.from_ok) throw new NotFound('Location', from!.locationId);
  if (!ctx.to_ok) throw new NotFound('Location', to!.locationId);
  // A plate named inside a stock key must be of the movement's warehouse: the caller's scope was checked on
  // warehouseId only, so a foreign plate would otherwise receive (or lose) stock across warehouses.
  if (!ctx.from_lpn_ok) throw new NotFound('LPN', from!.lpnId!);
  if (!ctx.to_lpn_ok) throw new NotFound('LPN', to!.lpnId!);
  if (to && !from) {
    if (ctx.track_lot && !to.lot)
      throw new ValidationFailed(`SKU ${ctx.code} is lot-tracked: a lot is required`, [
        { path: 'to.lot', message: 'required for lot-tracked SKUs' },
      ]);
    if (ctx.track_expiry && !to.expiry)
      throw new ValidationFailed(`SKU ${ctx.code} is expiry-tracked: an expiry date is required`, [
        { path: 'to.expiry', message: 'required for expiry-tracked SKUs' },
      ]);
  }
  if (from && OUTBOUND.has(cmd.type) && from.status !== 'available')
    throw new Conflict(`Stock in status ${from.status} cannot be ${cmd.type}ed`, 'stock-on-hold');
  if (to && ctx.to_limits && to.locationId !== from?.locationId)
    await assertCapacity(
      tx,
      to.locationId,
      ctx.to_limits,
      { skuId: cmd.skuId, code: ctx.code!, lot: to.lot, qty: cmd.qty },
      {
        volume: Number(ctx.unit_volume),
        weight: ctx.unit_weight,
      },
    );
  // Stock of a held SKU/lot that arrives anywhere lands in quarantine (a recall keeps catching returns).
  if (to && ctx.held && to.status === 'available') to = { ...to, status: 'quarantine' };

  let fromBalanceId: string | null = null;
  const debit = async (from: NormKey) => {
    const consume = internal.consumeReservedQty ?? 0;
    const row = await sqlOne<Pick<StockBalanceRow, 'id'>>(
      tx,
      `
      update stock_balance set on_hand = on_hand - ?, reserved = reserved - ?, updated_at = now()
      where ${keyWhere()} and on_hand - (reserved - ?) >= ? and reserved >= ?
      returning id`,
      [cmd.qty, consume, ...keyParams(from, cmd.skuId), consume, cmd.qty, consume],
    );
    if (!row) {
      const cur = await sqlOne<DebitRow>(
        tx,
        `select b.on_hand, b.reserved, l.code from stock_balance b join location l on l.id = b.location_id where ${keyWhere('b.')}`,
        keyParams(from, cmd.skuId),
      );
      const avail = cur ? cur.on_hand - cur.reserved + consume : 0;
      throw new InsufficientStock(
        `SKU ${ctx.code} has ${avail} available${cur ? ` at ${cur.code}` : ' at that location/lot'}, ${cmd.qty} requested`,
        {
          skuId: cmd.skuId,
          locationId: from.locationId,
          available: avail,
          requested: cmd.qty,
        },
      );
    }
    fromBalanceId = row.id;
  };

  let toBalanceId: string | null = null;
  const credit = async (to: NormKey) => {
    const row = await sqlOne<Pick<StockBalanceRow, 'id'>>(
      tx,
      `
      insert into stock_balance (warehouse_id, location_id, sku_id, lot, expiry, lpn_id, status, on_hand)
      values (?, ?, ?, ?, ?::date, ?::uuid, ?, ?)
      on conflict on constraint stock_balance_key do update set
        on_hand = stock_balance.on_hand + excluded.on_hand,
        first_received_at = case when stock_balance.on_hand = 0 then now() else stock_balance.first_received_at end,
        updated_at = now()
      returning id`,
      [cmd.warehouseId, to.locationId, cmd.skuId, to.lot, to.expiry, to.lpnId, to.status, cmd.qty],
    );
    toBalanceId = row!.id;
  };

  // Lock the two balances in one global order (by key), so opposite moves between the same two
  // balances wait for each other instead of deadlocking.
  if (from && to && keyString(to) < keyString(from)) {
    await credit(to);
    await debit(from);
  } else {
    if (from) await debit(from);
    if (to) await credit(to);
  }

  const fromVirtual = from ? null : (cmd.fromVirtual ?? defaultVirtual('from', cmd.type));
  const toVirtual = to ? null : (cmd.toVirtual ?? defaultVirtual('to', cmd.type));
  const mv = (await sqlOne<PostMovementRow2>(
    tx,
    `
    insert into stock_movement (warehouse_id, type, sku_id, qty,
      from_balance_id, from_location_id, from_virtual, from_lot, from_expiry, from_lpn_id, from_status,
      to_balance_id, to_location_id, to_virtual, to_lot, to_expiry, to_lpn_id, to_status,
      reason_code, user_id, device_id, ref_type, ref_id)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?::date, ?::uuid, ?, ?, ?, ?, ?, ?::date, ?::uuid, ?, ?, ?::uuid, ?, ?, ?)
    returning id::text, created_at`,
    [
      cmd.warehouseId,
      cmd.type,
      cmd.skuId,
      cmd.qty,
      fromBalanceId,
      from?.locationId ?? null,
      fromVirtual,
      from?.lot ?? null,
      from?.expiry ?? null,
      from?.lpnId ?? null,
      from?.status ?? null,
      toBalanceId,
      to?.locationId ?? null,
      toVirtual,
      to?.lot ?? null,
      to?.expiry ?? null,
      to?.lpnId ?? null,
      to?.status ?? null,
      cmd.reasonCode ?? null,
      cmd.userId ?? null,
      cmd.deviceId ?? null,
      cmd.refType ?? null,
      cmd.refId ?? null,
    ],
  ))!;

  if (internal.emitEvent !== false) {
    await emit(tx, {
      type: 'stock.moved',
      warehouseId: cmd.warehouseId,
      actorId: cmd.userId,
      payload: {
        movementId: mv.id,
        type: cmd.type,
        skuId: cmd.skuId,
        qty: cmd.qty,
        from: from ? { ...from } : { locationId: null, virtual: fromVirtual },
        to: to ? { ...to } : { locationId: null, virtual: toVirtual },
        refType: cmd.refType ?? null,
        refId: cmd.refId ?? null,
      },
    });
  }
  return {
    id: mv.id,
    warehouseId: cmd.warehouseId,
    type: cmd.type,
    skuId: cmd.skuId,
    qty: cmd.qty,
    fromBalanceId,
    toBalanceId,
    fromLocationId: from?.locationId ?? null,
    toLocationId: to?.locationId ?? null,
    createdAt: new Date(mv.created_at).toISOString(),
  };
}

/**
 * Balances reserve() may draw from, in allocation order: FEFO when the SKU is expiry-tracked, else
 * FIFO by first receipt; held stock excluded. The SKU's code rides along (one round trip).
 */
/**
 * One statement plans and takes a reservation: it reads the candidate balances (FEFO for expiry-tracked
 * SKUs, FIFO otherwise, holds skipped) WITHOUT locking them, plans what to take in that order, then raises
 * `reserved` only where the balance still has that much available — the UPDATE re-checks the row after
 * any wait on a concurrent writer — and writes the reservations for the rows it updated.
 * Only the rows actually taken are locked, for as short as possible: a flash sale puts hundreds of
 * transactions on one SKU, and locking every candidate (as an earlier FOR UPDATE did) queued moves and
 * reservations of that SKU behind each other into lock convoys. A row lost to a concurrent taker is
 * planned again by the caller's next attempt. Writes nothing when partial is not allowed and the plan
 * falls short (`need_met` false).
 */
const RESERVE_SQL = `
    with cand as (
      select b.id, b.location_id, l.code as location_code, b.lot, b.expiry::text as expiry, b.on_hand - b.reserved as avail,
        s.code as sku_code, case when s.track_expiry then b.expiry end as fefo, b.first_received_at
      from stock_balance b join location l on l.id = b.location_id join sku s on s.id = b.sku_id
      where b.warehouse_id = ?::uuid and b.sku_id = ?::uuid and b.status = 'available' and b.on_hand > 0 and b.on_hand > b.reserved
        and l.active and l.type = any(?::text[])
        and (?::uuid is null or b.location_id = ?::uuid)
        and (?::text is null or b.lot = ?)
        and (?::date is null or b.expiry >= ?::date)
        and not (b.location_id = any(?::uuid[]))
        and not exists (select 1 from stock_hold h where h.active and h.sku_id = b.sku_id and (h.lot is null or h.lot = b.lot)
          and (h.warehouse_id is null or h.warehouse_id = b.warehouse_id) and (h.location_id is null or h.location_id = b.location_id))
      order by case when s.track_expiry then b.expiry end asc nulls last, b.first_received_at asc, b.id asc
      limit 500
    ),
    params as (select ?::int as need, ?::boolean as partial),
    ranked as (
      select c.*, row_number() over w as n, coalesce(sum(c.avail) over w, 0) - c.avail as before
      from cand c window w as (order by c.fefo asc nulls last, c.first_received_at asc, c.id asc rows unbounded preceding)
    ),
    take as (
      select r.*, least(r.avail, p.need - r.before)::int as q from ranked r, params p where r.before < p.need and r.avail > 0
    ),
    ok as (select (p.partial or coalesce((select sum(q) from take), 0) = p.need) as go from params p),
    upd as (
      update stock_balance b set reserved = b.reserved + t.q, updated_at = now()
      from take t, ok where ok.go and b.id = t.id and b.status = 'available' and b.on_hand - b.reserved >= t.q
      returning b.id, t.q, t.n
    ),
    ins as (
      insert into stock_reservation (warehouse_id, balance_id, sku_id, qty, ref_type, ref_id)
      select ?::uuid, u.id, ?::uuid, u.q, ?, ? from upd u order by u.n
      returning id, balance_id
    )
    select k.id as balance_id, i.id, k.location_id, k.location_code, k.lot, k.expiry, u.q, k.sku_code, (select go from ok) as need_met
    from (select 1) one left join take k on true left join upd u on u.id = k.id left join ins i on i.balance_id = k.id
    order by k.n`;

/** Attempts before a reservation that keeps losing rows to concurrent takers settles for what it has. */
const RESERVE_ATTEMPTS = 20;

/**
 * Reserves qty of a SKU against available balances: FEFO for expiry-tracked SKUs, FIFO otherwise.
 * Each balance is raised only if it still has the quantity at the moment of the update (re-checked after
 * any wait), so concurrent callers never over-reserve. Without allowPartial, a shortfall throws
 * InsufficientStock (409), which aborts the caller's transaction, so nothing stays reserved.
 */
export async function reserve(tx: EntityManager, cmd: ReserveCmd): Promise<ReserveResult> {
  if (!Number.isInteger(cmd.qty) || cmd.qty <= 0) throw new BadRequest(`qty must be a positive integer, got ${cmd.qty}`);
  const reservations: Reservation[] = [];
  let need = cmd.qty;
  let skuCode: string | undefined;
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS && need > 0; attempt++) {
    const rows = await sql<ReserveRow>(tx, RESERVE_SQL, [
      cmd.warehouseId,
      cmd.skuId,
      ALLOCATABLE,
      cmd.locationId ?? null,
      cmd.locationId ?? null,
      cmd.lot ?? null,
      cmd.lot ?? null,
      cmd.minExpiryDate ?? null,
      cmd.minExpiryDate ?? null,
      `{${(cmd.excludeLocationIds ?? []).join(',')}}`,
      need,
      cmd.allowPartial ?? false,
      cmd.warehouseId,
      cmd.skuId,
      cmd.refType,
      cmd.refId,
    ]);
    const planned = rows.filter((r) => r.balance_id !== null);
    const taken = planned.filter((r) => r.id !== null);
    skuCode ??= planned[0]?.sku_code ?? undefined;
    for (const t of taken) {
      reservations.push({
        id: t.id!,
        balanceId: t.balance_id!,
        locationId: t.location_id!,
        locationCode: t.location_code!,
        lot: t.lot,
        expiry: t.expiry,
        qty: t.q!,
      });
      need -= t.q!;
    }
    // Stop when the plan was not written (short, partial not allowed) or nothing was lost to a race:
    // then what is still missing is really not there.
    if (!rows[0]?.need_met || taken.length === planned.length) break;
  }
  if (need > 0 && !cmd.allowPartial) {
    const code = skuCode ?? (await sqlOne<Pick<SkuRow, 'code'>>(tx, 'select code from sku where id = ?', [cmd.skuId]))?.code;
    if (!code) throw new NotFound('SKU', cmd.skuId);
    throw new InsufficientStock(`SKU ${code} has ${cmd.qty - need} available, ${cmd.qty} requested`, {
      skuId: cmd.skuId,
      available: cmd.qty - need,
      requested: cmd.qty,
    });
  }
  if (reservations.length === 0) {
    if (!(await sqlOne(tx, 'select 1 from sku where id = ?', [cmd.skuId]))) throw new NotFound('SKU', cmd.skuId);
    return { reservations: [], shortQty: need };
  }
  await emit(tx, {
    type: 'stock.reserved',
    warehouseId: cmd.warehouseId,
    actorId: cmd.userId,
    payload: {
      skuId: cmd.skuId,
      refType: cmd.refType,
      refId: cmd.refId,
      qty: cmd.qty - need,
      shortQty: need,
      reservationIds: reservations.map((r) => r.id),
    },
  });
  return { reservations, shortQty: need };
}

/** A row of RESERVE_SQL: one per planned balance (id null when a concurrent taker won it), or one all-null row. */
interface ReserveRow {
  balance_id: string | null;
  id: string | null;
  location_id: string | null;
  location_code: string | null;
  lot: string | null;
  expiry: string | null;
  q: number | null;
  sku_code: string | null;
  need_met: boolean;
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
