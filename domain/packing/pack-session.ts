import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne } from '../shared/sql.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';
import type { PackItemRow } from './entities/pack-item.entity.js';
import type { PackSessionRow } from './entities/pack-session.entity.js';
import { holdSession } from './pack-lease.js';
import type { PackSessionView } from './pack.schemas.js';

/** A `pack_session` row as the pack commands read it. */
export type SessionRow = Pick<
  PackSessionRow,
  'id' | 'warehouse_id' | 'station_code' | 'order_id' | 'status' | 'tote_codes' | 'packer_id' | 'lease_expires_at'
> & {
  /** The entity declares the json column as unknown; it holds the proposal the pack commands wrote. */
  proposal: PackSessionView['proposal'];
};

/** Locks the session for a pack command and takes (or checks) the actor's lease on it; 404 outside the actor's warehouses. */
export async function lockSession(em: EntityManager, actor: Actor, sessionId: string): Promise<SessionRow> {
  const s = await sqlOne<SessionRow>(em, 'select * from pack_session where id = ? for update', [sessionId]);
  if (!s || !canSeeWarehouse(actor, s.warehouse_id)) throw new NotFound('Pack session', sessionId);
  await holdSession(em, actor, s);
  return s;
}

export async function getPackSession(em: EntityManager, actor: Actor, sessionId: string): Promise<PackSessionView> {
  const s = await sqlOne<SessionRow>(em, 'select * from pack_session where id = ?', [sessionId]);
  if (!s || !canSeeWarehouse(actor, s.warehouse_id)) throw new NotFound('Pack session', sessionId);
  return sessionView(em, s);
}
export type SessionViewRow = Pick<PackItemRow, 'sku_id' | 'qty_expected' | 'qty_verified'> & Pick<SkuRow, 'code'>;

/** The session as the packer sees it: items with expected and verified counts, the proposal, its shipments. */
export async function sessionView(em: EntityManager, s: SessionRow): Promise<PackSessionView> {
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
