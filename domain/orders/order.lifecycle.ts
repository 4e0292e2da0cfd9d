import { defineLifecycle } from '../shared/lifecycle.js';

/**
 * The order lifecycle (`sales_order.status`): the one table every order status write goes through
 * (`moveOrders` in `order-status.ts`). Moves, and who makes them:
 * - import (orders): created pending or on_hold; a storefront edit of an editable order re-evaluates it to pending or on_hold;
 * - allocation (orders): pending/backordered → allocated or backordered;
 * - waves (picking): allocated → released, and back to allocated when the wave is cancelled;
 * - picking: released → picking → picked; packing: released/picking/picked → packed;
 * - shipment events (orders/outbound): → packed, shipped (label), delivered;
 * - cancellation (orders): any state before shipped → cancelled.
 */
export const orderLifecycle = defineLifecycle({
  name: 'Order',
  table: 'sales_order',
  initial: ['pending', 'on_hold'],
  moves: {
    pending: ['pending', 'on_hold', 'allocated', 'backordered', 'cancelled'],
    on_hold: ['on_hold', 'pending', 'cancelled'],
    backordered: ['backordered', 'pending', 'on_hold', 'allocated', 'cancelled'],
    allocated: ['pending', 'on_hold', 'released', 'packed', 'shipped', 'delivered', 'cancelled'],
    released: ['allocated', 'picking', 'picked', 'packed', 'shipped', 'delivered', 'cancelled'],
    picking: ['picked', 'packed', 'shipped', 'delivered', 'cancelled'],
    picked: ['packed', 'shipped', 'delivered', 'cancelled'],
    packed: ['shipped', 'delivered', 'cancelled'],
    shipped: ['delivered'],
    delivered: [],
    cancelled: [],
  },
});
export type OrderStatus = (typeof orderLifecycle.states)[number];
