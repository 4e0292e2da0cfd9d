import { ordersSettings, type OrdersSettings } from '../domain/orders/orders.settings.js';
import type { QueueName } from '../platform/queues.js';
import { TASK_TIMEOUT_TICK_MS } from './task-timeouts.worker.js';
import { SLOTTING_NIGHTLY_CRON } from './slotting.worker.js';
import { WAVE_TICK_MS } from './wave-release.worker.js';

export interface ScheduledJob {
  queue: QueueName;
  id: string;
  /** Repeat every this many ms, or … */
  every?: number;
  /** … on this cron pattern (UTC), for jobs that run at a time of day. */
  pattern?: string;
  name: string;
  data: Record<string, unknown>;
}

/** BullMQ repeat options of a scheduled job. */
export function repeatOf(s: ScheduledJob): { every: number } | { pattern: string; tz: string } {
  return s.pattern ? { pattern: s.pattern, tz: 'UTC' } : { every: s.every! };
}

/**
 * Every repeatable job the system needs, in one list: the reconciler recreates any that Redis lost.
 * (Per-connector poll schedulers are derived from the connector table by the orders sweep.) For callers without a
 * runtime (tests, scripts); processes use `jobsOf(config.orders)`.
 */
export function scheduledJobs(env: NodeJS.ProcessEnv = process.env): ScheduledJob[] {
  return jobsOf(ordersSettings(env));
}

/** The scheduled jobs for the settings a process parsed at start. */
export function jobsOf(s: OrdersSettings): ScheduledJob[] {
  return [
    { queue: 'task-timeouts', id: 'lease-sweep', every: TASK_TIMEOUT_TICK_MS, name: 'tick', data: { kind: 'tick' } },
    { queue: 'wave-release', id: 'template-tick', every: WAVE_TICK_MS, name: 'tick', data: { kind: 'tick' } },
    { queue: 'reconciliation', id: 'sweep', every: s.reconcileEveryMs, name: 'sweep', data: { kind: 'sweep' } },
    { queue: 'reconciliation', id: 'dispatch', every: s.dispatchEveryMs, name: 'dispatch', data: { kind: 'dispatch' } },
    { queue: 'reconciliation', id: 'privacy-purge', every: s.privacyPurgeEveryMs, name: 'privacy-purge', data: { kind: 'privacy-purge' } },
    { queue: 'slotting', id: 'nightly-velocity', pattern: SLOTTING_NIGHTLY_CRON, name: 'nightly', data: { kind: 'nightly' } },
  ];
}
