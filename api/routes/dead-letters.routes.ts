import { cursorParam, keyset } from '../../domain/shared/cursor.js';
import type { JobsOptions } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getDeadLetter, listDeadLetters, markReplayed, type DeadLetterRow } from '../../domain/events/dead-letter.js';
import { Conflict, NotFound } from '../../domain/shared/errors.js';
import { queueDefs, type QueueName } from '../../platform/queues.js';
import { actorOf } from '../auth/guard.js';
import { problemSchema } from '../problem.schema.js';
import { iso } from '../../domain/shared/time.js';

/** Parked jobs page on parked_at (the opaque cursor holds the last one's). */
const parkedKeys = keyset(['time']);

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const deadLetterView = z.object({
  id: z.string(),
  queue: z.string(),
  jobId: z.string(),
  jobName: z.string(),
  payload: z.unknown(),
  attempts: z.number().int(),
  reason: z.enum(['attempts_exhausted', 'validation']),
  lastError: z.string(),
  status: z.enum(['parked', 'replayed', 'discarded']),
  parkedAt: z.string(),
  replayedAt: z.string().nullable(),
  replayedBy: z.string().nullable(),
  replayJobId: z.string().nullable(),
});
const view = (r: DeadLetterRow): z.infer<typeof deadLetterView> => ({
  id: r.id,
  queue: r.queue,
  jobId: r.job_id,
  jobName: r.job_name,
  payload: r.payload,
  attempts: r.attempts,
  reason: r.reason,
  lastError: r.last_error,
  status: r.status,
  parkedAt: iso(r.parked_at)!,
  replayedAt: iso(r.replayed_at),
  replayedBy: r.replayed_by,
  replayJobId: r.replay_job_id,
});

/** /v1/dead-letters: jobs parked after N failures (or a validation failure), for an admin to inspect and replay. */
export async function deadLetterRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/dead-letters',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['operations'],
        summary: 'Parked jobs, newest first (cursor-paginated: pass nextCursor back as cursor)',
        querystring: z.object({
          status: z.enum(['parked', 'replayed', 'discarded']).default('parked'),
          queue: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: cursorParam,
        }),
        response: { 200: z.object({ items: z.array(deadLetterView), nextCursor: z.string().nullable() }), ...problems },
      },
    },
    async (req) => {
      const rows = await listDeadLetters(app.orm.em.fork(), {
        status: req.query.status,
        queue: req.query.queue,
        limit: req.query.limit + 1,
        before: parkedKeys.after(req.query.cursor)?.[0],
      });
      const page = parkedKeys.page(rows.map(view), req.query.limit, (d) => [d.parkedAt]);
      return { items: page.items, nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/dead-letters/:id/replay',
    {
      config: { roles: ['admin'], idempotency: 'optional' },
      schema: {
        tags: ['operations'],
        summary: 'Replay a parked job: enqueued again under its own job id with the same retry budget',
        params: z.object({ id: z.uuid() }),
        response: { 200: deadLetterView, ...problems },
      },
    },
    async (req) => {
      const em = app.orm.em.fork();
      const row = await getDeadLetter(em, req.params.id);
      if (!row) throw new NotFound('Dead letter', req.params.id);
      if (row.status !== 'parked') throw new Conflict(`Dead letter ${row.id} is ${row.status}`, 'dead-letter-not-parked');
      if (!(row.queue in queueDefs)) throw new Conflict(`Queue ${row.queue} no longer exists`, 'dead-letter-queue-gone');
      const q = app.queues.get(row.queue as QueueName);
      // The failed job may still sit in Redis under this id; remove it so the id can run again.
      const old = await q.getJob(row.job_id);
      if (old && ['failed', 'completed'].includes(await old.getState())) await old.remove();
      if (!(await markReplayed(em, row.id, actorOf(req).id, row.job_id)))
        throw new Conflict(`Dead letter ${row.id} was replayed meanwhile`, 'dead-letter-not-parked');
      const { attempts, backoff } = row.job_opts as JobsOptions;
      await q.add(row.job_name, row.payload, { jobId: row.job_id, ...(attempts ? { attempts } : {}), ...(backoff ? { backoff } : {}) });
      return view((await getDeadLetter(em, row.id))!);
    },
  );
}
