import type { Processor } from 'bullmq';
import type { QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { routingProcessor } from './routing.worker.js';

/** Queue processors of the routing area (one file per queue under workers/, collected here). */
export const routingProcessors: Partial<Record<QueueName, (rt: Runtime) => Processor>> = {
  routing: routingProcessor,
};
