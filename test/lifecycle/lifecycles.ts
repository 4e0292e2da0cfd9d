import { orderLifecycle } from '../../domain/orders/order.lifecycle.js';
import { shipmentLifecycle } from '../../domain/shipping/shipment.lifecycle.js';
import { taskLifecycle } from '../../domain/tasks/task.lifecycle.js';
import { waveLifecycle } from '../../domain/picking/wave.lifecycle.js';
import { packSessionLifecycle } from '../../domain/packing/pack-session.lifecycle.js';
import { routePlanLifecycle } from '../../domain/dispatch/route-plan.lifecycle.js';
import { asnLifecycle } from '../../domain/receiving/asn.lifecycle.js';
import { reslotMoveLifecycle } from '../../domain/slotting/reslot.lifecycle.js';

/** Every lifecycle, for the tests that hold them against the schema and try every move. */
export const lifecycles = [
  orderLifecycle,
  shipmentLifecycle,
  taskLifecycle,
  waveLifecycle,
  packSessionLifecycle,
  routePlanLifecycle,
  asnLifecycle,
  reslotMoveLifecycle,
] as const;
