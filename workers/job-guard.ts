import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import { ZodError } from 'zod';
import { relayedEventSchema } from '../domain/events/catalogue.js';
import { parkDeadLetter, recordConsumption, wasConsumed } from '../domain/events/dead-letter.js';
import { DomainError } from '../domain/shared/errors.js';
import { queueDefs, type QueueName } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';

/** Queues the relay fans events out to: their jobs are relayed events, deduplicated by event id. */
const eventQueues = new Set((Object.keys(queueDefs) as QueueName[]).filter((q) => queueDefs[q].subscribes.length > 0));

/** A failure no retry can fix: bad payload (zod) or a domain rule refusing the input (4xx other than conflicts). */
export function isValidationFailure(err: unknown): boolean {
  if (err instanceof ZodError) return true;
  return err instanceof DomainError && err.status >= 400 && err.status < 500 && err.status !== 409 && err.status !== 404;
}

function eventIdOf(queue: QueueName, job: Job): string | undefined {
  if (!eventQueues.has(queue)) return undefined;
  const e = relayedEventSchema.safeParse(job.data);
  return e.success && /^\d+$/.test(e.data.id) ? e.data.id : undefined;
}

/**
 * Wraps every processor:
 * - relayed-event jobs are skipped when their effect is already recorded, and record it (queue, event id) after
 *   success, so the reconciler knows which outbox jobs still have to run after Redis lost them;
 * - a failure is counted by BullMQ (attemptsMade); on the last attempt — or at once for a validation failure —
 *   the job is parked in the dead-letter table with its last error instead of vanishing or looping.
 */
export function guardProcessor(rt: Runtime, queue: QueueName, proc: Processor): Processor {
  return async (job, token, signal) => {
    const eventId = eventIdOf(queue, job);
    if (eventId && (await wasConsumed(rt.orm.em.fork(), queue, eventId))) return { duplicate: true, eventId };
    try {
      const result = await proc(job, token, signal);
      if (eventId) await recordConsumption(rt.orm.em.fork(), queue, eventId);
      return result;
    } catch (err) {
      const validation = isValidationFailure(err);
      const attempts = job.attemptsMade + 1;
      const last = attempts >= (job.opts.attempts ?? 1);
      if (validation || last) {
        await parkDeadLetter(rt.orm.em.fork(), {
          queue,
          jobId: String(job.id),
          jobName: job.name,
          payload: job.data,
          jobOpts: { attempts: job.opts.attempts, backoff: job.opts.backoff },
          attempts,
          reason: validation ? 'validation' : 'attempts_exhausted',
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        rt.logger.warn({ queue, jobId: job.id, attempts, validation }, 'job parked in the dead-letter store');
        if (validation) throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      }
      throw err;
    }
  };
}
