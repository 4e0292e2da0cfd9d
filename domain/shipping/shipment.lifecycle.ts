import { defineLifecycle } from '../shared/lifecycle.js';

/**
 * The shipment lifecycle (`shipment.status`). Packing creates shipments packed (test fixtures also create them
 * `created`); labels move packed ⇄ labelled; the carrier manifest closes labelled → manifested; own-fleet route
 * planning moves created/packed/labelled → planned, dispatching a route → dispatched, and a completed stop → delivered
 * or failed (a failed parcel may ride again and be delivered); a put-back after cancellation voids created/packed ones.
 * `in_transit` and `returned` are states carrier tracking may report; no move reaches them yet.
 */
export const shipmentLifecycle = defineLifecycle({
  name: 'Shipment',
  table: 'shipment',
  initial: ['created', 'packed'],
  moves: {
    created: ['planned', 'dispatched', 'delivered', 'failed', 'cancelled'],
    packed: ['labelled', 'planned', 'dispatched', 'delivered', 'failed', 'cancelled'],
    labelled: ['packed', 'manifested', 'planned', 'dispatched', 'delivered', 'failed'],
    manifested: [],
    planned: ['dispatched', 'delivered', 'failed'],
    dispatched: ['delivered', 'failed'],
    in_transit: [],
    delivered: [],
    failed: ['delivered', 'failed'],
    returned: [],
    cancelled: [],
  },
});
export type ShipmentStatus = (typeof shipmentLifecycle.states)[number];
