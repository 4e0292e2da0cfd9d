import { ordersSettings } from '../domain/orders/orders.settings.js';
import type { QueueName } from '../platform/queues.js';
import { TASK_TIMEOUT_TICK_MS } from './task-timeouts.worker.js';
import { WAVE_TICK_MS } from './wave-release.worker.js';

export interface ScheduledJob {
  queue: QueueName;
  id: string;
  every: number;
  name: string;
  data: Record<string, unknown>;
}

/**
 * Every repeatable job the system needs, in one list: the reconciler recreates any that Redis lost.
 * (Per-connector poll schedulers are derived from the connector table by the orders sweep.)
 */
export function scheduledJobs(env: NodeJS.ProcessEnv = process.env): ScheduledJob[] {
  const s = ordersSettings(env);
  return [
    { queue: 'task-timeouts', id: 'lease-sweep', every: TASK_TIMEOUT_TICK_MS, name: 'tick', data: { kind: 'tick' } },
    { queue: 'wave-release', id: 'template-tick', every: WAVE_TICK_MS, name: 'tick', data: { kind: 'tick' } },
    { queue: 'reconciliation', id: 'sweep', every: s.reconcileEveryMs, name: 'sweep', data: { kind: 'sweep' } },
    { queue: 'reconciliation', id: 'dispatch', every: s.dispatchEveryMs, name: 'dispatch', data: { kind: 'dispatch' } },
  ];
}
