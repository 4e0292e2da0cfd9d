import type { Processor } from 'bullmq';
import type { QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { floorEventsProcessor } from './floor-events.worker.js';
import { replenishmentProcessor } from './replenishment.worker.js';
import { slottingProcessor } from './slotting.worker.js';
import { taskTimeoutsProcessor } from './task-timeouts.worker.js';
import { waveReleaseProcessor } from './wave-release.worker.js';

/** Queue processors of the floor area (one file per queue under workers/, collected here). */
export const floorProcessors: Partial<Record<QueueName, (rt: Runtime) => Processor>> = {
  'task-timeouts': taskTimeoutsProcessor,
  'wave-release': waveReleaseProcessor,
  'floor-events': floorEventsProcessor,
  replenishment: replenishmentProcessor,
  slotting: slottingProcessor,
};
