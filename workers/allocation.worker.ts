import type { Processor } from 'bullmq';
import { parseDomainEvent } from '../domain/events/parse-event.js';
import { allocateOrder, ordersAwaitingStock } from '../domain/orders/allocation.service.js';
import { systemClock } from '../domain/shared/clock.js';
import { sql } from '../domain/shared/sql.js';
import { withTx } from '../platform/db.js';
import { ignoredBy, queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import type { StockReservationRow } from '../domain/inventory/entities/stock-reservation.entity.js';

/** Allocates each waiting order in priority order, one transaction each; locked orders are skipped (another worker has them). */
async function retryWaiting(rt: Runtime, warehouseId: string, skuId: string | undefined, trigger: string) {
  const ids = await ordersAwaitingStock(rt.orm.em.fork(), warehouseId, skuId);
  let allocated = 0;
  for (const id of ids) {
    const r = await withTx(rt.orm.em, (tx) => allocateOrder(tx, id, systemClock, { skipLocked: true, trigger }));
    if (r.allocatedQty > 0) allocated++;
  }
  return { candidates: ids.length, allocated };
}

/** Explicit allocation jobs: one order, or every backorder of a warehouse. */
export const allocationProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const p = queueDefs.allocation.payload.parse(job.data);
    if (p.orderId) return withTx(rt.orm.em, (tx) => allocateOrder(tx, p.orderId!, systemClock, { trigger: p.reason }));
    return retryWaiting(rt, p.warehouseId, undefined, p.reason);
  };

/** Events that can make an order allocatable: new/changed/released orders, and stock that arrives or is freed. */
export const allocationTriggersProcessor =
  (rt: Runtime): Processor =>
  async (job) => {
    const e = parseDomainEvent(job.data);
    const p = (e.payload ?? {}) as { orderId?: string; skuId?: string; to?: { locationId?: string | null }; allocatedInTx?: boolean };
    switch (e.type) {
      case 'order.created':
        // Batch intake allocates in the transaction that creates the order; re-running it would only re-read the order.
        if (p.allocatedInTx) return { skipped: 'allocated with its creation' };
        return withTx(rt.orm.em, (tx) => allocateOrder(tx, p.orderId!, systemClock, { trigger: e.type }));
      case 'order.updated':
      case 'order.hold_released':
        return withTx(rt.orm.em, (tx) => allocateOrder(tx, p.orderId!, systemClock, { trigger: e.type }));
      case 'stock.moved':
        // Only stock landing in a real location can be allocated (a pick or ship leaves to a tote or a virtual location).
        if (!p.to?.locationId) return { skipped: 'stock left the warehouse' };
        // The relay does not queue these (queueDefs' ignore rules); a job queued before that rule still ends here.
        if (ignoredBy('allocation-triggers', e)) return { skipped: 'nothing allocatable arrived' };
        return retryWaiting(rt, e.warehouseId, p.skuId, `stock arrived (${e.type})`);
      case 'stock.hold_released':
        return retryWaiting(rt, e.warehouseId, p.skuId, 'stock hold released');
      case 'stock.reservation_released': {
        // Only the SKUs whose reservations were freed can help a backorder.
        const ids = (e.payload as { reservationIds?: string[] }).reservationIds ?? [];
        const skus = await sql<Pick<StockReservationRow, 'sku_id'>>(
          rt.orm.em.fork(),
          'select distinct sku_id from stock_reservation where id = any(?::uuid[])',
          [`{${ids.join(',')}}`],
        );
        for (const s of skus) await retryWaiting(rt, e.warehouseId, s.sku_id, 'reserved stock released');
        return { skus: skus.length };
      }
      default:
        return retryWaiting(rt, e.warehouseId, undefined, `stock freed (${e.type})`);
    }
  };
