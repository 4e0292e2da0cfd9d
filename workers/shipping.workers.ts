import type { Processor } from 'bullmq';
import type { QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { shippingProcessor } from './shipping.worker.js';

/** Queue processors of the shipping context. */
export const shippingProcessors: Partial<Record<QueueName, (rt: Runtime) => Processor>> = {
  shipping: shippingProcessor,
};
