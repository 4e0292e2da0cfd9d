import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne, whereOf } from '../shared/sql.js';
import type { ShipmentListQuery, ShipmentView } from './shipment.schemas.js';
import { iso } from '../shared/time.js';

const newestFirst = keyset(['time', 'uuid']);

type Row = Record<string, any>;

const COLUMNS = `s.*, o.external_number as order_number,
  to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_us,
  to_char(s.delivery_date, 'YYYY-MM-DD') as delivery_day, to_char(s.promise_date, 'YYYY-MM-DD') as promise_day,
  to_char(s.estimated_delivery, 'YYYY-MM-DD') as eta_day`;

export function shipmentView(r: Row): ShipmentView {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    orderId: r.order_id,
    orderNumber: r.order_number ?? null,
    status: r.status,
    carrierCode: r.carrier_code,
    serviceCode: r.service_code,
    trackingNumber: r.tracking_number,
    sscc: r.sscc,
    deliveryMode: r.delivery_mode,
    boxId: r.box_id,
    cartonNo: r.carton_no,
    weightG: Number(r.weight_g),
    lengthMm: Number(r.length_mm),
    widthMm: Number(r.width_mm),
    heightMm: Number(r.height_mm),
    shipTo: r.ship_to ?? {},
    lat: r.lat,
    lng: r.lng,
    deliveryDate: r.delivery_day ?? null,
    promiseDate: r.promise_day ?? null,
    estimatedDelivery: r.eta_day ?? null,
    trackingStatus: r.tracking_status,
    manifestId: r.manifest_id,
    consignmentId: r.consignment_id ?? null,
    quotedCostMinor: r.quoted_cost_minor ?? null,
    selectionReason: r.selection?.reason ?? null,
    lateRisk: Boolean(r.late_risk),
    labelledAt: iso(r.labelled_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/**
 * Shipments of one warehouse, newest first, keyset-paginated on (created_at, id) with the project's cursor
 * helper (microsecond precision in the key, so no row is skipped or repeated across pages).
 */
export async function listShipments(
  em: EntityManager,
  q: ShipmentListQuery,
): Promise<{ items: ShipmentView[]; nextCursor: string | null }> {
  const after = newestFirst.after(q.cursor);
  const where = whereOf([
    ['s.warehouse_id = ?', q.warehouseId],
    !!q.status?.length && ['s.status = any(?::text[])', `{${q.status.join(',')}}`],
    q.orderId && ['s.order_id = ?', q.orderId],
    q.carrier && ['s.carrier_code = ?', q.carrier],
    q.deliveryDate && ['s.delivery_date = ?::date', q.deliveryDate],
    after && ['(s.created_at, s.id) < (?::timestamptz, ?::uuid)', after[0], after[1]],
  ]);
  const rows = await sql<Row>(
    em,
    `select ${COLUMNS} from shipment s left join sales_order o on o.id = s.order_id
    ${where.sql} order by s.created_at desc, s.id desc limit ?`,
    [...where.params, q.limit + 1],
  );
  const pg = newestFirst.page(rows, q.limit, (r) => [r.created_us, r.id]);
  return { items: pg.items.map(shipmentView), nextCursor: pg.nextCursor };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One shipment the actor may see (outside their warehouses it does not exist: 404). */
export async function getShipment(em: EntityManager, actor: Actor, id: string): Promise<ShipmentView> {
  const r = UUID.test(id)
    ? await sqlOne<Row>(em, `select ${COLUMNS} from shipment s left join sales_order o on o.id = s.order_id where s.id = ?`, [id])
    : undefined;
  if (!r || !canSeeWarehouse(actor, r.warehouse_id)) throw new NotFound('Shipment', id);
  return shipmentView(r);
}
