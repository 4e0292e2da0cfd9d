import { cursorParam } from '../shared/cursor.js';
import { keyset } from '../shared/cursor.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { NotFound } from '../shared/errors.js';
import { canSeeWarehouse, type Actor } from '../shared/roles.js';
import { sql, sqlOne, whereOf } from '../shared/sql.js';
import { orderLifecycle } from './order.lifecycle.js';
import { iso } from '../shared/time.js';

/** From the order lifecycle's transition table (`order.lifecycle.ts`). */
export const orderStatus = orderLifecycle.schema;

export const orderSummary = z.object({
  id: z.string(),
  warehouseId: z.string(),
  connectorId: z.string().nullable(),
  externalId: z.string(),
  externalNumber: z.string().nullable(),
  source: z.string(),
  status: orderStatus,
  holdReason: z.string().nullable(),
  priority: z.enum(['express', 'standard']),
  promiseDate: z.string().nullable(),
  currency: z.string(),
  totalMinor: z.number().int(),
  lineCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const logEntry = z.object({
  at: z.string(),
  category: z.string(),
  action: z.string(),
  lineId: z.string().nullable(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export const orderDetail = orderSummary.extend({
  customer: z.record(z.string(), z.unknown()),
  shipTo: z.record(z.string(), z.unknown()),
  shippingMethod: z.string().nullable(),
  subtotalMinor: z.number().int(),
  shippingMinor: z.number().int(),
  taxMinor: z.number().int(),
  discountMinor: z.number().int(),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  minShelfLifeDays: z.number().int().nullable(),
  externalUpdatedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  version: z.number().int(),
  allocation: z.object({
    state: z.enum(['none', 'partial', 'full']),
    orderedQty: z.number().int(),
    allocatedQty: z.number().int(),
    backorderedQty: z.number().int(),
  }),
  lines: z.array(
    z.object({
      id: z.string(),
      lineNo: z.number().int(),
      skuId: z.string().nullable(),
      skuCode: z.string().nullable(),
      externalSku: z.string().nullable(),
      externalRef: z.string().nullable(),
      barcode: z.string().nullable(),
      name: z.string(),
      qty: z.number().int(),
      allocatedQty: z.number().int(),
      backorderedQty: z.number().int(),
      pickedQty: z.number().int(),
      shippedQty: z.number().int(),
      unitPriceMinor: z.number().int(),
      discountMinor: z.number().int(),
      reservations: z.array(
        z.object({
          id: z.string(),
          locationCode: z.string(),
          lot: z.string().nullable(),
          expiry: z.string().nullable(),
          qty: z.number().int(),
          status: z.string(),
        }),
      ),
    }),
  ),
  shipments: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      carrierCode: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  timeline: z.array(logEntry),
});
export const allocationLog = z.object({ orderId: z.string(), status: orderStatus, items: z.array(logEntry) });

export const orderListQuery = z.object({
  warehouseId: z.uuid().optional(),
  connectorId: z.uuid().optional(),
  externalId: z.string().max(100).optional(),
  status: orderStatus.optional(),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
  cursor: cursorParam,
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type Row = Record<string, any>;
function summary(r: Row): z.infer<typeof orderSummary> {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    connectorId: r.connector_id,
    externalId: r.external_id,
    externalNumber: r.external_number,
    source: r.source,
    status: r.status,
    holdReason: r.hold_reason,
    priority: Number(r.priority_rank) === 0 ? 'express' : 'standard',
    promiseDate: iso(r.promise_date),
    currency: String(r.currency).trim(),
    totalMinor: Number(r.total_minor),
    lineCount: Number(r.line_count ?? 0),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

const newestFirst = keyset(['time', 'uuid']);

/** Orders the actor may see, newest first, keyset-paginated on (created_at, id). */
export async function listOrders(em: EntityManager, actor: Actor, q: z.infer<typeof orderListQuery>) {
  const after = newestFirst.after(q.cursor);
  const where = whereOf([
    !actor.allWarehouses && ['o.warehouse_id = any(?::uuid[])', `{${actor.warehouseIds.join(',')}}`],
    q.warehouseId && ['o.warehouse_id = ?', q.warehouseId],
    q.connectorId && ['o.connector_id = ?', q.connectorId],
    q.externalId && ['o.external_id = ?', q.externalId],
    q.status && ['o.status = ?', q.status],
    q.createdFrom && ['o.created_at >= ?', q.createdFrom],
    q.createdTo && ['o.created_at < ?', q.createdTo],
    after && ['(o.created_at, o.id) < (?::timestamptz, ?::uuid)', ...after],
  ]);
  // Microsecond precision in the cursor: a millisecond-truncated timestamp would skip or repeat rows.
  const rows = await sql<Row>(
    em,
    `select o.*, (select count(*) from order_line l where l.order_id = o.id) as line_count,
      to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_us from sales_order o
    ${where.sql} order by o.created_at desc, o.id desc limit ?`,
    [...where.params, q.limit + 1],
  );
  const page = newestFirst.page(rows, q.limit, (r) => [r.created_us, r.id]);
  return { items: page.items.map(summary), nextCursor: page.nextCursor };
}

async function visibleOrder(em: EntityManager, actor: Actor, id: string): Promise<Row> {
  const o = z.uuid().safeParse(id).success ? await sqlOne<Row>(em, 'select * from sales_order where id = ?', [id]) : undefined;
  if (!o || !canSeeWarehouse(actor, o.warehouse_id)) throw new NotFound('Order', id);
  return o;
}

/** One order with lines, reservations, shipments and its timeline. */
export async function getOrder(em: EntityManager, actor: Actor, id: string): Promise<z.infer<typeof orderDetail>> {
  const o = await visibleOrder(em, actor, id);
  const [lines, res, ships, log] = await Promise.all([
    sql<Row>(
      em,
      'select l.*, s.code as sku_code from order_line l left join sku s on s.id = l.sku_id where l.order_id = ? order by l.line_no',
      [id],
    ),
    sql<Row>(
      em,
      `select r.id, r.ref_id, r.qty - r.consumed_qty as qty, r.status, loc.code as location_code, b.lot, b.expiry from stock_reservation r
      join stock_balance b on b.id = r.balance_id join location loc on loc.id = b.location_id
      where r.ref_type = 'order_line' and r.ref_id in (select id::text from order_line where order_id = ?) and r.status = 'pending' order by r.created_at`,
      [id],
    ),
    sql<Row>(em, 'select id, status, carrier_code, tracking_number, created_at from shipment where order_id = ? order by created_at', [id]),
    sql<Row>(em, 'select at, category, action, line_id, message, data from order_log where order_id = ? order by id', [id]),
  ]);
  const ordered = lines.reduce((s, l) => s + Number(l.qty), 0);
  const allocated = lines.reduce((s, l) => s + Number(l.allocated_qty), 0);
  const open = o.status !== 'cancelled';
  return {
    ...summary({ ...o, line_count: lines.length }),
    customer: o.customer,
    shipTo: o.ship_to,
    shippingMethod: o.shipping_method,
    subtotalMinor: Number(o.subtotal_minor),
    shippingMinor: Number(o.shipping_minor),
    taxMinor: Number(o.tax_minor),
    discountMinor: Number(o.discount_minor),
    tags: o.tags,
    notes: o.notes,
    minShelfLifeDays: o.min_shelf_life_days,
    externalUpdatedAt: iso(o.external_updated_at),
    cancelledAt: iso(o.cancelled_at),
    cancelReason: o.cancel_reason,
    version: o.version,
    allocation: {
      state: allocated === 0 ? 'none' : allocated < ordered ? 'partial' : 'full',
      orderedQty: ordered,
      allocatedQty: allocated,
      backorderedQty: open ? ordered - allocated : 0,
    },
    lines: lines.map((l) => ({
      id: l.id,
      lineNo: l.line_no,
      skuId: l.sku_id,
      skuCode: l.sku_code,
      externalSku: l.external_sku,
      externalRef: l.external_ref,
      barcode: l.barcode,
      name: l.name,
      qty: l.qty,
      allocatedQty: l.allocated_qty,
      backorderedQty: open ? l.qty - l.allocated_qty : 0,
      pickedQty: l.picked_qty,
      shippedQty: l.shipped_qty,
      unitPriceMinor: Number(l.unit_price_minor),
      discountMinor: Number(l.discount_minor),
      reservations: res
        .filter((r) => r.ref_id === l.id)
        .map((r) => ({
          id: r.id,
          locationCode: r.location_code,
          lot: r.lot,
          expiry: r.expiry ? String(iso(r.expiry)).slice(0, 10) : null,
          qty: Number(r.qty),
          status: r.status,
        })),
    })),
    shipments: ships.map((s) => ({
      id: s.id,
      status: s.status,
      carrierCode: s.carrier_code,
      trackingNumber: s.tracking_number,
      createdAt: iso(s.created_at)!,
    })),
    timeline: log.map((e) => ({
      at: iso(e.at)!,
      category: e.category,
      action: e.action,
      lineId: e.line_id,
      message: e.message,
      data: e.data,
    })),
  };
}

/** Why the order was or was not allocated / released, in order. */
export async function getAllocationLog(em: EntityManager, actor: Actor, id: string): Promise<z.infer<typeof allocationLog>> {
  const o = await visibleOrder(em, actor, id);
  const log = await sql<Row>(
    em,
    `select at, category, action, line_id, message, data from order_log where order_id = ? and category in ('allocation', 'hold', 'cancellation') order by id`,
    [id],
  );
  return {
    orderId: id,
    status: o.status,
    items: log.map((e) => ({
      at: iso(e.at)!,
      category: e.category,
      action: e.action,
      lineId: e.line_id,
      message: e.message,
      data: e.data,
    })),
  };
}

/** The order's warehouse if the actor may see it (for commands). */
export async function orderWarehouse(
  em: EntityManager,
  actor: Actor,
  id: string,
): Promise<{ warehouseId: string; connectorId: string | null }> {
  const o = await visibleOrder(em, actor, id);
  return { warehouseId: o.warehouse_id, connectorId: o.connector_id };
}
