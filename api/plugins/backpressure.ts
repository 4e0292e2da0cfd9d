import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { sqlOne } from '../../domain/shared/sql.js';
import { sendProblem } from '../problem.js';

const BACKLOG_CACHE_MS = 1_000;
export type ReadBacklogRow = { n: number };

/**
 * Intake backpressure: beyond capacity the intake routes answer 503 with Retry-After BEFORE anything is written
 * (so a refused request never half-writes; storefronts and API clients retry later). Capacity is two limits:
 * concurrent intake requests in this process (INTAKE_MAX_INFLIGHT) and deliveries stored but not yet imported
 * (INTAKE_MAX_BACKLOG, read from Postgres at most once a second). Spread into a route's options: `...gate`.
 */
export function intakeBackpressure(app: FastifyInstance): { onRequest: onRequestAsyncHookHandler } {
  let inflight = 0;
  let backlog = { n: 0, at: 0 };
  let reading: Promise<void> | undefined;
  const readBacklog = async () => {
    if (Date.now() - backlog.at < BACKLOG_CACHE_MS) return;
    reading ??= sqlOne<ReadBacklogRow>(app.orm.em.fork(), `select count(*)::int as n from webhook_delivery where status = 'received'`)
      .then((r) => {
        backlog = { n: r!.n, at: Date.now() };
      })
      .finally(() => {
        reading = undefined;
      });
    await reading;
  };
  const onRequest: onRequestAsyncHookHandler = async (req, reply) => {
    await readBacklog();
    const over =
      inflight >= app.config.INTAKE_MAX_INFLIGHT
        ? { retry: 1, why: `${inflight} intake requests in flight on this node` }
        : backlog.n >= app.config.INTAKE_MAX_BACKLOG
          ? { retry: 5, why: `${backlog.n} deliveries waiting to be imported` }
          : undefined;
    if (over) {
      reply.header('retry-after', String(over.retry));
      return sendProblem(reply, req, {
        type: 'intake-over-capacity',
        title: 'Service unavailable',
        status: 503,
        detail: `Intake is over capacity (${over.why}); nothing was stored, retry after ${over.retry} s`,
        errors: [],
      });
    }
    inflight++;
    // 'close' fires once the response is sent or the client went away, so the count cannot leak.
    reply.raw.once('close', () => inflight--);
  };
  return { onRequest };
}
