/**
 * License plates (pallets, totes, cartons) that nest and move as one. Stock inside an LPN is a
 * balance keyed by lpn_id; moving a plate moves its whole subtree: one ledger movement per balance
 * and every nested plate's location updated, in one transaction.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LpnView } from './inventory.schemas.js';
import { emit } from '../events/outbox.js';
import { BadRequest, Conflict, NotFound } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { postMovement } from './ledger.service.js';
import { toBalanceView } from './stock-queries.js';
import type { BalanceView } from './inventory.schemas.js';
import type { LicensePlateRow } from './entities/license-plate.entity.js';
import type { StockBalanceRow } from './entities/stock-balance.entity.js';
import type { IdRow } from '../shared/rows.js';

const LPN_COLS = `p.id, p.warehouse_id, p.code, p.sscc, p.type, p.parent_id, p.location_id, l.code as location_code, p.status, p.created_at`;

function toView(r: Record<string, any>): LpnView {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    code: r.code,
    sscc: r.sscc,
    type: r.type,
    parentId: r.parent_id,
    locationId: r.location_id,
    locationCode: r.location_code ?? null,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Creates a plate with the next `LPN<digits>` code (or the given code / SSCC) at a location or inside a parent. */
export async function createLpn(
  tx: EntityManager,
  cmd: { warehouseId: string; type: string; locationId?: string; parentId?: string; sscc?: string; code?: string },
): Promise<LpnView> {
  let locationId = cmd.locationId ?? null;
  if (cmd.parentId) {
    const parent = await sqlOne<Pick<LicensePlateRow, 'warehouse_id' | 'location_id'>>(
      tx,
      'select warehouse_id, location_id from license_plate where id = ?',
      [cmd.parentId],
    );
    if (!parent || parent.warehouse_id !== cmd.warehouseId) throw new NotFound('LPN', cmd.parentId);
    if (locationId && parent.location_id && locationId !== parent.location_id)
      throw new BadRequest('a nested LPN sits where its parent is');
    locationId = parent.location_id;
  }
  if (locationId && !(await sqlOne(tx, 'select 1 from location where id = ? and warehouse_id = ?', [locationId, cmd.warehouseId])))
    throw new NotFound('Location', locationId);
  if (cmd.code && (await sqlOne(tx, 'select 1 from license_plate where code = ?', [cmd.code])))
    throw new Conflict(`LPN ${cmd.code} exists`, 'lpn-code-taken');
  const row = await sqlOne<Pick<LicensePlateRow, 'id'>>(
    tx,
    `insert into license_plate (warehouse_id, code, sscc, type, parent_id, location_id)
    values (?, coalesce(?, 'LPN' || nextval('lpn_code_seq')), ?, ?, ?, ?) returning id`,
    [cmd.warehouseId, cmd.code ?? null, cmd.sscc ?? null, cmd.type, cmd.parentId ?? null, locationId],
  );
  return getLpn(tx, row!.id);
}

export async function getLpn(em: EntityManager, idOrCode: string): Promise<LpnView> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrCode);
  const row = await sqlOne<Record<string, any>>(
    em,
    `select ${LPN_COLS} from license_plate p left join location l on l.id = p.location_id
    where ${isUuid ? 'p.id = ?::uuid' : 'p.code = ? or p.sscc = ?'}`,
    isUuid ? [idOrCode] : [idOrCode, idOrCode],
  );
  if (!row) throw new NotFound('LPN', idOrCode);
  return toView(row);
}

/** The plate, its nested plates (any depth) and every balance inside them. */
export async function lpnContents(
  em: EntityManager,
  lpnId: string,
): Promise<{ lpn: LpnView; children: LpnView[]; balances: BalanceView[] }> {
  const lpn = await getLpn(em, lpnId);
  const children = await sql<Record<string, any>>(
    em,
    `with recursive t as (select id from license_plate where parent_id = ? union all select p.id from license_plate p join t on p.parent_id = t.id)
    select ${LPN_COLS} from license_plate p join t on t.id = p.id left join location l on l.id = p.location_id order by p.code`,
    [lpn.id],
  );
  const balances = await sql<any>(
    em,
    `with recursive t as (select ?::uuid as id union all select p.id from license_plate p join t on p.parent_id = t.id)
    select b.id, b.location_id, l.code as location_code, b.sku_id, s.code as sku_code, b.lot, b.expiry::text as expiry, b.lpn_id, lp.code as lpn_code,
      b.status, b.on_hand, b.reserved, b.updated_at
    from stock_balance b join t on t.id = b.lpn_id join location l on l.id = b.location_id join sku s on s.id = b.sku_id join license_plate lp on lp.id = b.lpn_id
    where b.on_hand > 0 order by lp.code, s.code`,
    [lpn.id],
  );
  return { lpn, children: children.map(toView), balances: balances.map(toBalanceView) };
}
export type MoveLpnRow2 = Pick<StockBalanceRow, 'id' | 'sku_id' | 'location_id' | 'lot' | 'lpn_id' | 'status' | 'on_hand' | 'reserved'> & {
  expiry: string | null;
};

/**
 * Moves a plate and everything nested in it to another location as one unit. A plate nested in a
 * parent that stays behind is taken out of it. Reserved stock inside refuses the move (the
 * reservation points at the old balance): release or pick it first.
 */
export async function moveLpn(
  tx: EntityManager,
  cmd: { lpnId: string; toLocationId: string; userId?: string; deviceId?: string; type?: 'move' | 'putaway' },
): Promise<{ lpn: LpnView; movements: number }> {
  const lpn = await sqlOne<Pick<LicensePlateRow, 'id' | 'warehouse_id' | 'code' | 'location_id' | 'parent_id'>>(
    tx,
    'select id, warehouse_id, code, location_id, parent_id from license_plate where id = ? for update',
    [cmd.lpnId],
  );
  if (!lpn) throw new NotFound('LPN', cmd.lpnId);
  if (!(await sqlOne(tx, 'select 1 from location where id = ? and warehouse_id = ?', [cmd.toLocationId, lpn.warehouse_id])))
    throw new NotFound('Location', cmd.toLocationId);
  const tree = await sql<IdRow>(
    tx,
    `with recursive t as (select ?::uuid as id union all select p.id from license_plate p join t on p.parent_id = t.id)
    select p.id from license_plate p join t on t.id = p.id order by p.id for update of p`,
    [lpn.id],
  );
  const treeIds = `{${tree.map((t) => t.id).join(',')}}`;
  const balances = await sql<MoveLpnRow2>(
    tx,
    `select id, sku_id, location_id, lot, expiry::text as expiry, lpn_id, status, on_hand, reserved from stock_balance
     where lpn_id = any(?::uuid[]) and on_hand > 0 order by id for update`,
    [treeIds],
  );
  const reserved = balances.find((b) => b.reserved > 0);
  if (reserved)
    throw new Conflict(
      `LPN ${lpn.code} holds reserved stock (${reserved.reserved}); release or pick it before moving the plate`,
      'lpn-has-reservations',
    );
  let movements = 0;
  for (const b of balances) {
    if (b.location_id === cmd.toLocationId) continue;
    await postMovement(
      tx,
      {
        warehouseId: lpn.warehouse_id,
        type: cmd.type ?? 'move',
        skuId: b.sku_id,
        qty: b.on_hand,
        from: { locationId: b.location_id, lot: b.lot, expiry: b.expiry, lpnId: b.lpn_id, status: b.status },
        to: { locationId: cmd.toLocationId, lot: b.lot, expiry: b.expiry, lpnId: b.lpn_id, status: b.status },
        userId: cmd.userId,
        deviceId: cmd.deviceId,
        refType: 'lpn',
        refId: lpn.id,
      },
      { emitEvent: false },
    );
    movements++;
  }
  await sql(tx, 'update license_plate set location_id = ? where id = any(?::uuid[])', [cmd.toLocationId, treeIds]);
  if (lpn.parent_id) await sql(tx, 'update license_plate set parent_id = null where id = ?', [lpn.id]);
  await emit(tx, {
    type: 'lpn.moved',
    warehouseId: lpn.warehouse_id,
    actorId: cmd.userId,
    payload: { lpnId: lpn.id, code: lpn.code, fromLocationId: lpn.location_id, toLocationId: cmd.toLocationId, movements },
  });
  return { lpn: await getLpn(tx, lpn.id), movements };
}

/** Puts a plate inside another (moving it to the parent's location first); parentId null takes it out. */
export async function nestLpn(tx: EntityManager, cmd: { lpnId: string; parentId: string | null; userId?: string }): Promise<LpnView> {
  const child = await sqlOne<Pick<LicensePlateRow, 'id' | 'warehouse_id' | 'location_id'>>(
    tx,
    'select id, warehouse_id, location_id from license_plate where id = ? for update',
    [cmd.lpnId],
  );
  if (!child) throw new NotFound('LPN', cmd.lpnId);
  if (cmd.parentId === null) {
    await sql(tx, 'update license_plate set parent_id = null where id = ?', [child.id]);
    return getLpn(tx, child.id);
  }
  const parent = await sqlOne<Pick<LicensePlateRow, 'id' | 'warehouse_id' | 'location_id'>>(
    tx,
    'select id, warehouse_id, location_id from license_plate where id = ?',
    [cmd.parentId],
  );
  if (!parent || parent.warehouse_id !== child.warehouse_id) throw new NotFound('LPN', cmd.parentId);
  // No cycles: the new parent must not be the child itself or inside it.
  const cyc = await sqlOne(
    tx,
    `with recursive up as (select id, parent_id from license_plate where id = ? union all
    select p.id, p.parent_id from license_plate p join up on p.id = up.parent_id) select 1 from up where id = ?`,
    [parent.id, child.id],
  );
  if (cyc) throw new Conflict('an LPN cannot be nested inside itself', 'lpn-cycle');
  if (parent.location_id && parent.location_id !== child.location_id)
    await moveLpn(tx, { lpnId: child.id, toLocationId: parent.location_id, userId: cmd.userId });
  await sql(tx, 'update license_plate set parent_id = ? where id = ?', [parent.id, child.id]);
  return getLpn(tx, child.id);
}
