import type { Processor } from 'bullmq';
import type { QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { allocationProcessor, allocationTriggersProcessor } from './allocation.worker.js';
import { fulfilmentCallbacksProcessor, webhookDeliveryProcessor } from './outbound-webhooks.worker.js';
import { reconciliationProcessor } from './reconciliation.worker.js';
import { webhookIntakeProcessor } from './webhook-intake.worker.js';

/** Queue processors of the orders area (one file per queue under workers/, collected here). */
export const ordersProcessors: Partial<Record<QueueName, (rt: Runtime) => Processor>> = {
  'webhook-intake': webhookIntakeProcessor,
  allocation: allocationProcessor,
  'allocation-triggers': allocationTriggersProcessor,
  'fulfilment-callbacks': fulfilmentCallbacksProcessor,
  'webhook-delivery': webhookDeliveryProcessor,
  reconciliation: reconciliationProcessor,
};
