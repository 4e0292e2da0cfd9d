import type { Processor } from 'bullmq';
import type { QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/** Queue processors of the floor area (one file per queue under workers/, collected here). */
export const floorProcessors: Partial<Record<QueueName, (rt: Runtime) => Processor>> = {};
