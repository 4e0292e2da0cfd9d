import type { Processor } from 'bullmq';
import { loadDayForSolve, planStops } from '../domain/dispatch/day-loader.js';
import { dayMatrixProvider } from '../domain/dispatch/matrix-source.js';
import { assembleDay, fullProblem, indexDay, initialRoutes, solverProblem } from '../domain/dispatch/plan-problem.js';
import { claimPlan, finishCancelled, markFailed, recordProgress, solveWanted, storeSolution } from '../domain/dispatch/solve-store.js';
import { withTx } from '../platform/db.js';
import { queueDefs } from '../platform/queues.js';
import type { Runtime } from '../platform/runtime.js';
import { solveInThread } from './routing/run-in-thread.js';

/** How often progress reaches the plan's room, and how often a running solve looks for a cancel. */
const PROGRESS_EVERY_MS = 1000;
const CANCEL_POLL_MS = 250;
/** The solver thread yields the CPU to the event loop of its process (API or worker) when both want it. */
const SOLVER_NICENESS = 10;

/**
 * `routing` queue: solves one route-plan version. Idempotent: the job id is plan + version, and
 * the claim/store steps do nothing for a plan that is not queued/solving at that version. The
 * solve runs in a worker thread; progress is throttled to ~1/s and written through the outbox
 * (so it reaches `route:<planId>` and `warehouse:<id>` from any process); cancellation is
 * polled from the plan row, so a cancel sent to any API node stops the thread.
 */
export function routingProcessor(rt: Runtime): Processor {
  return async (job) => {
    const { planId } = queueDefs.routing.payload.parse(job.data);
    const em = rt.orm.em.fork();
    const plan = await withTx(em, (tx) => claimPlan(tx, planId));
    if (!plan) return { planId, skipped: true };
    const log = rt.logger.child({ planId, version: plan.version });
    try {
      const input = await loadDayForSolve(em.fork(), plan);
      const ix = indexDay(input);
      const matrix = await dayMatrixProvider().matrix(ix.points);
      const full = fullProblem(input, ix, matrix);
      const current: Record<string, string[]> = {};
      for (const s of await planStops(em.fork(), planId))
        if (!plan.broken_vehicle_ids.includes(s.vehicle_id)) (current[s.vehicle_id] ??= []).push(s.shipment_id);
      if (input.shipments.length === 0 || input.vehicles.length === 0) {
        // Nothing to route (or nothing to route with): an empty plan, every shipment unassigned.
        const day = assembleDay(input, ix, full, { routes: [], unassigned: input.shipments.map((s, k) => ({ jobIndex: k, jobId: s.id })) });
        await withTx(rt.orm.em.fork(), (tx) => storeSolution(tx, plan, day, { iterations: 0, elapsedS: 0 }));
        return { planId, stored: true, empty: true };
      }
      const problem = solverProblem(input, ix, full);

      let pending: { bestCost: number | null; elapsedS: number } | undefined;
      let writing = Promise.resolve();
      const flush = () => {
        const p = pending;
        pending = undefined;
        if (!p) return;
        writing = writing
          .then(() => withTx(rt.orm.em.fork(), (tx) => recordProgress(tx, plan, p.bestCost, p.elapsedS)))
          .catch((err) => log.warn({ err }, 'progress not recorded'));
      };
      const run = solveInThread(
        {
          problem,
          options: { seed: plan.seed, timeLimitS: plan.time_limit_s, initialRoutes: initialRoutes(full, ix, current) },
          progressEveryMs: 200,
          niceness: SOLVER_NICENESS,
        },
        (bestCost, elapsedS) => {
          pending = { bestCost, elapsedS };
        },
      );
      const progressTimer = setInterval(flush, PROGRESS_EVERY_MS);
      let polling = false;
      const cancelTimer = setInterval(() => {
        if (polling) return;
        polling = true;
        solveWanted(rt.orm.em.fork(), planId, plan.version)
          .then((wanted) => (wanted ? undefined : run.cancel()))
          .catch((err) => log.warn({ err }, 'cancel poll failed'))
          .finally(() => {
            polling = false;
          });
      }, CANCEL_POLL_MS);
      const outcome = await run.outcome.finally(() => {
        clearInterval(progressTimer);
        clearInterval(cancelTimer);
      });
      flush();
      await writing;
      if (outcome.kind === 'cancelled') {
        await withTx(rt.orm.em.fork(), (tx) => finishCancelled(tx, plan));
        log.info('route plan solve cancelled');
        return { planId, cancelled: true };
      }
      const day = assembleDay(input, ix, full, outcome.solution);
      const stored = await withTx(rt.orm.em.fork(), (tx) =>
        storeSolution(tx, plan, day, { iterations: outcome.solution.iterations, elapsedS: outcome.solution.elapsedS }),
      );
      log.info({ cost: day.cost, routes: day.routes.length, unassigned: day.unassignedShipmentIds.length, stored }, 'route plan solved');
      return { planId, stored, cost: day.cost };
    } catch (err) {
      // A solve that throws would throw again: record the failure instead of retrying it.
      log.error({ err }, 'route plan solve failed');
      await withTx(rt.orm.em.fork(), (tx) => markFailed(tx, plan, err instanceof Error ? err.message : String(err)));
      return { planId, failed: true };
    }
  };
}
