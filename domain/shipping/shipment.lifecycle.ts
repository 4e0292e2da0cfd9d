import type { EntityManager } from '@mikro-orm/postgresql';
import { defineLifecycle, writeMove, writeMoveOne, type MoveWrite } from '../shared/lifecycle.js';

/**
 * The shipment lifecycle (`shipment.status`). Packing creates shipments packed (test fixtures also create them
 * `created`); labels move packed ⇄ labelled; the carrier manifest closes labelled → manifested; own-fleet route
 * planning moves created/packed/labelled → planned, dispatching a route → dispatched (a manifested carton too), and a completed stop → delivered
 * or failed (a failed parcel may ride again and be delivered); a put-back after cancellation voids created/packed ones.
 * Carrier tracking (`tracking.service.ts`) is authoritative for anything not delivered or cancelled: in_transit,
 * delivered or returned.
 */
export const shipmentLifecycle = defineLifecycle({
  name: 'Shipment',
  table: 'shipment',
  initial: ['created', 'packed'],
  moves: {
    created: ['planned', 'dispatched', 'in_transit', 'delivered', 'failed', 'returned', 'cancelled'],
    packed: ['labelled', 'planned', 'dispatched', 'in_transit', 'delivered', 'failed', 'returned', 'cancelled'],
    labelled: ['packed', 'manifested', 'planned', 'dispatched', 'in_transit', 'delivered', 'failed', 'returned'],
    manifested: ['dispatched', 'in_transit', 'delivered', 'returned'],
    planned: ['dispatched', 'in_transit', 'delivered', 'failed', 'returned'],
    dispatched: ['in_transit', 'delivered', 'failed', 'returned'],
    in_transit: ['in_transit', 'delivered', 'returned'],
    delivered: [],
    failed: ['in_transit', 'delivered', 'failed', 'returned'],
    returned: ['in_transit', 'delivered', 'returned'],
    cancelled: [],
  },
});
export type ShipmentStatus = (typeof shipmentLifecycle.states)[number];

const stamped = (w: MoveWrite): MoveWrite => ({ ...w, set: `updated_at = now()${w.set ? `, ${w.set}` : ''}` });

/**
 * The one way `shipment.status` changes (shipping, packing put-back, dispatch): moves the shipments among `ids`
 * that the table lets reach `to` from where they are, guarded in SQL; returns the ids moved. Callers emit their
 * shipment events (their payloads carry the label, stop or route facts).
 */
export async function moveShipments(em: EntityManager, ids: readonly string[], to: ShipmentStatus, w: MoveWrite = {}): Promise<string[]> {
  return writeMove(em, shipmentLifecycle, ids, to, stamped(w));
}

/** Moves one shipment the caller has locked and read; an illegal move is a 409 `illegal-transition`. */
export async function moveShipment(em: EntityManager, s: { id: string; status: string }, to: ShipmentStatus, w: MoveWrite = {}) {
  await writeMoveOne(em, shipmentLifecycle, s, to, stamped(w));
}
