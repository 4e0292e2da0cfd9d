import type { EntityManager } from '@mikro-orm/postgresql';
import { reserve } from '../inventory/ledger.service.js';
import type { Clock } from '../shared/clock.js';
import { sql, sqlOne } from '../shared/sql.js';
import { ALLOCATION_ORDER_SQL, minExpiryDate, warehouseAllocationLock } from './allocation.js';
import { logOrder, type LogEntry } from './order-log.js';
import { moveOrder } from './order-status.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';
import type { OrderLineRow } from './entities/order-line.entity.js';
import type { SkuRow } from '../catalog/entities/sku.entity.js';

export interface AllocationOutcome {
  orderId: string;
  status: string;
  allocatedQty: number;
  shortQty: number;
  skipped?: string;
}
/** An order line joined with its SKU (an inner join, so `sku_id` is set). */
/** Joined to sku, so `sku_id` is never null here (the column is nullable). */
export type AllocateOrderRow = Pick<OrderLineRow, 'id' | 'line_no' | 'qty' | 'allocated_qty'> & {
  sku_id: NonNullable<OrderLineRow['sku_id']>;
  sku_code: SkuRow['code'];
};

/**
 * Reserves stock for every open line of one order through the inventory ledger (FEFO/FIFO, holds skipped,
 * min expiry from the shelf-life rule), partially when short. Idempotent: lines already reserved in full are
 * left alone, so a re-delivered job changes nothing. Each decision is written to the allocation log.
 */
export async function allocateOrder(
  tx: EntityManager,
  orderId: string,
  clock: Clock,
  opts: { skipLocked?: boolean; trigger?: string } = {},
): Promise<AllocationOutcome> {
  const o = await sqlOne<Pick<SalesOrderRow, 'id' | 'warehouse_id' | 'status' | 'min_shelf_life_days'>>(
    tx,
    `select id, warehouse_id, status, min_shelf_life_days from sales_order where id = ? for update${opts.skipLocked ? ' skip locked' : ''}`,
    [orderId],
  );
  if (!o) return { orderId, status: 'unknown', allocatedQty: 0, shortQty: 0, skipped: 'not found or locked' };
  if (o.status !== 'pending' && o.status !== 'backordered')
    return { orderId, status: o.status, allocatedQty: 0, shortQty: 0, skipped: `status ${o.status}` };
  // Never beside a batch of this warehouse (allocateOrdersBatch): the batch locks its balances in plan order and this
  // line by line, so the two deadlocked whenever they met on two balances, often enough that a batch gave up after
  // five tries. Shared, so single orders still allocate side by side. Taken before any balance is locked.
  await sql(tx, `select pg_advisory_xact_lock_shared(${warehouseAllocationLock('?::text')})`, [o.warehouse_id]);
  const lines = await sql<AllocateOrderRow>(
    tx,
    `select l.id, l.line_no, l.sku_id, s.code as sku_code, l.qty, l.allocated_qty from order_line l join sku s on s.id = l.sku_id
     where l.order_id = ? order by l.line_no`,
    [orderId],
  );
  const minExpiry = minExpiryDate(clock.now(), o.min_shelf_life_days);
  const log: LogEntry[] = [];
  let allocatedNow = 0;
  let short = 0;
  const allocatedLines: { lineId: string; skuId: string; qty: number }[] = [];
  const shortLines: { lineId: string; skuId: string; qty: number }[] = [];
  for (const l of lines) {
    const need = l.qty - l.allocated_qty;
    if (need <= 0) continue;
    const r = await reserve(tx, {
      warehouseId: o.warehouse_id,
      skuId: l.sku_id,
      qty: need,
      refType: 'order_line',
      refId: l.id,
      minExpiryDate: minExpiry,
      allowPartial: true,
    });
    const got = r.reservations.reduce((s, x) => s + x.qty, 0);
    if (got > 0) {
      await sql(tx, 'update order_line set allocated_qty = allocated_qty + ? where id = ?', [got, l.id]);
      allocatedLines.push({ lineId: l.id, skuId: l.sku_id, qty: got });
      const where = r.reservations
        .map(
          (x) => `${x.qty} at ${x.locationCode}${x.lot ? ` lot ${x.lot}` : ''}${x.expiry ? ` exp ${String(x.expiry).slice(0, 10)}` : ''}`,
        )
        .join(', ');
      log.push({
        category: 'allocation',
        action: r.shortQty ? 'partial' : 'allocated',
        lineId: l.id,
        message: `Line ${l.line_no} ${l.sku_code}: reserved ${got} of ${need} (${where}) by ${minExpiry ? `FEFO with expiry ≥ ${minExpiry}` : 'FEFO/FIFO'}`,
        data: {
          reservations: r.reservations.map((x) => ({ id: x.id, locationCode: x.locationCode, lot: x.lot, expiry: x.expiry, qty: x.qty })),
        },
      });
    }
    if (r.shortQty > 0) {
      short += r.shortQty;
      shortLines.push({ lineId: l.id, skuId: l.sku_id, qty: r.shortQty });
      log.push({
        category: 'allocation',
        action: 'short',
        lineId: l.id,
        message: `Line ${l.line_no} ${l.sku_code}: ${r.shortQty} unit(s) short — no available, unheld stock${minExpiry ? ` expiring on or after ${minExpiry} (min shelf life ${o.min_shelf_life_days} d)` : ''}; backordered, retried when stock arrives`,
      });
    }
    allocatedNow += got;
  }
  const status = short > 0 ? 'backordered' : 'allocated';
  if (status === o.status && allocatedNow === 0) return { orderId, status, allocatedQty: 0, shortQty: short, skipped: 'no change' };
  if (opts.trigger) log.unshift({ category: 'allocation', action: 'attempt', message: `Allocation run (${opts.trigger})` });
  await moveOrder(tx, o, status, {
    events: [
      status === 'allocated'
        ? { type: 'order.allocated', warehouseId: o.warehouse_id, payload: { orderId, lines: allocatedLines } }
        : { type: 'order.backordered', warehouseId: o.warehouse_id, payload: { orderId, shortQty: short, lines: shortLines } },
    ],
  });
  await logOrder(tx, orderId, ...log);
  return { orderId, status, allocatedQty: allocatedNow, shortQty: short };
}

/**
 * Backorders (and pending orders whose job may have been lost) of a warehouse, optionally only those waiting
 * for one SKU, in allocation priority order.
 */
export async function ordersAwaitingStock(em: EntityManager, warehouseId: string, skuId?: string, limit = 500): Promise<string[]> {
  const rows = await sql<Pick<SalesOrderRow, 'id'>>(
    em,
    `select o.id from sales_order o where o.warehouse_id = ? and o.status in ('backordered', 'pending')
    ${skuId ? 'and exists (select 1 from order_line l where l.order_id = o.id and l.sku_id = ? and l.allocated_qty < l.qty)' : ''}
    order by ${ALLOCATION_ORDER_SQL} limit ?`,
    skuId ? [warehouseId, skuId, limit] : [warehouseId, limit],
  );
  return rows.map((r) => r.id);
}
