import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { logOrder } from '../orders/order-log.js';
import { moveOrders } from '../orders/order-status.js';
import { resolveItemScan, scannedTote } from '../picking/scan-match.js';
import { Conflict, DomainError, NotFound, ValidationFailed } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { SkuRow as SkuTableRow } from '../catalog/entities/sku.entity.js';
import type { TaskLineRow } from '../tasks/entities/task-line.entity.js';
import type { ToteRow } from '../picking/entities/tote.entity.js';
import type { WaveOrderRow } from '../picking/entities/wave-order.entity.js';
import type { PackItemRow } from './entities/pack-item.entity.js';
import type { PackSessionRow } from './entities/pack-session.entity.js';
import { checkCartons } from './carton-plan.js';
import { boxCatalogue, proposeCartons, type SkuRow } from './carton-proposal.js';
import { shipCartons } from './carton-shipments.js';
import { holdSession, PACK_LEASE_S } from './pack-lease.js';
import { movePackSession } from './pack-session.lifecycle.js';
import { lockSession, sessionView, type SessionRow } from './pack-session.js';
import { packSettings } from './pack-settings.js';
import type { PackInput, PackSessionView } from './pack.schemas.js';

/*
 * The pack station's commands: open a session from a tote, verify items by scan, pack into weighed cartons.
 * Beside them: the session row and its view (pack-session.ts), its lease (pack-lease.ts), the box catalogue and
 * the carton proposal (carton-proposal.ts), the check of the packed cartons (carton-plan.ts), the shipments they
 * become (carton-shipments.ts) and the warehouse's pack settings (pack-settings.ts).
 */

/** A SKU of the order with the quantity picked into its totes. */
export type PickedSkuRow = SkuRow & { qty: number };

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
  const st = await packSettings(em, warehouseId);
  const proposal = proposeCartons(
    items.map((i) => ({ sku: i, qty: i.qty })),
    await boxCatalogue(em, warehouseId),
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

/**
 * Packs the verified order: cartons as proposed (or the packer's override), each weighed against its
 * expected weight (tare + contents, tolerance from the warehouse settings). The cartons become
 * shipments (carton-shipments.ts); the totes are freed, the session and the order are packed.
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
  const catalogue = new Map((await boxCatalogue(em, s.warehouse_id)).map((b) => [b.code, b]));
  const plan = checkCartons(input, s.proposal, expected, catalogue, await packSettings(em, s.warehouse_id));
  const wave = await sqlOne<Pick<WaveOrderRow, 'wave_id'>>(
    em,
    `select wave_id from wave_order where order_id = ? and status <> 'removed'`,
    [s.order_id],
  );
  const shipmentIds = await shipCartons(em, actor, s, plan, wave?.wave_id ?? null);
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
