import type { Processor } from 'bullmq';
import type { QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { ordersProcessors } from './orders.workers.js';
import { floorProcessors } from './floor.workers.js';
import { routingProcessors } from './routing.workers.js';
import { shippingProcessors } from './shipping.workers.js';

/** Queue → processor factory. One file per queue under workers/; add it here to run it. */
export const processors: Partial<Record<QueueName, (rt: Runtime) => Processor>> = {
  ...ordersProcessors,
  ...floorProcessors,
  ...routingProcessors,
  ...shippingProcessors,
};
