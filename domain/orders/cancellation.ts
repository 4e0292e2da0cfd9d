import type { EntityManager } from '@mikro-orm/postgresql';
import { emit } from '../events/outbox.js';
import { releaseReservations } from '../inventory/ledger.service.js';
import { NotFound } from '../shared/errors.js';
import { sql, sqlOne } from '../shared/sql.js';
import { logOrder } from './order-log.js';
import { moveOrder } from './order-status.js';
import type { SalesOrderRow } from './entities/sales-order.entity.js';
import type { OrderLineRow } from './entities/order-line.entity.js';
import type { ShipmentRow } from '../shipping/entities/shipment.entity.js';

export type CancelStage = 'cancelled' | 'before_pick' | 'after_pick' | 'shipped';

/**
 * Which cancellation rule applies (pure; the tasks context uses it for put-back):
 * - before_pick: nothing left a shelf → release the reservations;
 * - after_pick: goods are in totes / packed / labelled → cancel and raise a put-back for the picked qty;
 * - shipped: the storefront was told it shipped (label + tracking) or it left the dock → refuse with a reason.
 */
export function cancelStage(status: string, pickedQty: number, shipmentStatuses: string[]): CancelStage {
  if (status === 'cancelled') return 'cancelled';
  if (status === 'shipped' || status === 'delivered' || shipmentStatuses.some((s) => s === 'dispatched' || s === 'delivered'))
    return 'shipped';
  if (pickedQty > 0 || ['picking', 'picked', 'packed'].includes(status) || shipmentStatuses.some((s) => s === 'packed' || s === 'labelled'))
    return 'after_pick';
  return 'before_pick';
}

export interface CancelResult {
  cancelled: boolean;
  status: string;
  stage: CancelStage;
  reason?: string;
}

/**
 * Cancels an order inside the caller's transaction according to `cancelStage`. A refusal is recorded (log +
 * `order.cancel_refused`, which the storefront callback reports back) and returned, not thrown, so it commits.
 */
export async function cancelOrderTx(
  tx: EntityManager,
  orderId: string,
  cmd: { reason: string; source: string; actorId?: string; refuseQuietly?: boolean },
): Promise<CancelResult> {
  const o = await sqlOne<Pick<SalesOrderRow, 'id' | 'warehouse_id' | 'status'>>(
    tx,
    'select id, warehouse_id, status from sales_order where id = ? for update',
    [orderId],
  );
  if (!o) throw new NotFound('Order', orderId);
  const lines = await sql<Pick<OrderLineRow, 'id' | 'sku_id' | 'picked_qty' | 'allocated_qty'>>(
    tx,
    'select id, sku_id, picked_qty, allocated_qty from order_line where order_id = ? order by line_no',
    [orderId],
  );
  const shipments = await sql<Pick<ShipmentRow, 'status'>>(tx, 'select status from shipment where order_id = ?', [orderId]);
  const picked = lines.reduce((s, l) => s + l.picked_qty, 0);
  const stage = cancelStage(
    o.status,
    picked,
    shipments.map((s) => s.status),
  );
  if (stage === 'cancelled') return { cancelled: true, status: 'cancelled', stage };
  if (stage === 'shipped') {
    const reason = `Order is already ${o.status === 'delivered' ? 'delivered' : 'shipped'}; it cannot be cancelled. Start a return instead.`;
    await logOrder(tx, orderId, {
      category: 'cancellation',
      action: 'refused',
      message: `Cancellation from ${cmd.source} refused: ${reason}`,
      data: { requestedReason: cmd.reason },
    });
    await emit(tx, {
      type: 'order.cancel_refused',
      warehouseId: o.warehouse_id,
      payload: { orderId, reason, source: cmd.source },
      actorId: cmd.actorId,
    });
    return { cancelled: false, status: o.status, stage, reason };
  }
  // Pending reservations are voided in both cases; picked quantity is already out of its reservation.
  let released = 0;
  for (const l of lines)
    released += (await releaseReservations(tx, { refType: 'order_line', refId: l.id }, `order cancelled: ${cmd.reason}`)).released.length;
  await sql(tx, 'update order_line set allocated_qty = picked_qty where order_id = ?', [orderId]);
  await moveOrder(tx, o, 'cancelled', {
    set: 'hold_reason = null, cancelled_at = now(), cancel_reason = ?',
    setParams: [cmd.reason],
    events: [
      {
        type: 'order.cancelled',
        warehouseId: o.warehouse_id,
        payload: { orderId, stage, reason: cmd.reason, source: cmd.source },
        actorId: cmd.actorId,
      },
    ],
  });
  const entries = [
    {
      category: 'cancellation' as const,
      action: 'cancelled',
      message: `Cancelled by ${cmd.source} (${stage.replace('_', ' ')}): ${cmd.reason}; ${released} reservation(s) released`,
    },
  ];
  if (stage === 'after_pick') {
    // Without picked_qty from the floor (status or shipment says picked), the reserved quantity is what was taken.
    const back = lines
      .map((l) => ({ lineId: l.id, skuId: l.sku_id, qty: picked > 0 ? l.picked_qty : l.allocated_qty }))
      .filter((l) => l.qty > 0);
    if (back.length) {
      entries.push({
        category: 'cancellation',
        action: 'putback_requested',
        message: `Put-back requested for ${back.reduce((s, l) => s + l.qty, 0)} picked unit(s)`,
      });
      await emit(tx, {
        type: 'order.putback_requested',
        warehouseId: o.warehouse_id,
        payload: { orderId, lines: back },
        actorId: cmd.actorId,
      });
    }
  }
  await logOrder(tx, orderId, ...entries);
  return { cancelled: true, status: 'cancelled', stage };
}
