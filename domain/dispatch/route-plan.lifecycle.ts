import type { EntityManager } from '@mikro-orm/postgresql';
import { defineLifecycle, writeMove, type MoveWrite } from '../shared/lifecycle.js';

/**
 * The route plan lifecycle (`route_plan.status`): queued → solving (a worker claims it; a crashed solve is claimed
 * again) → solved, failed or cancelled (a cancelled re-solve goes back to its last solution: solved). A finished plan
 * can be queued again (re-optimise after a breakdown).
 */
export const routePlanLifecycle = defineLifecycle({
  name: 'Route plan',
  table: 'route_plan',
  initial: ['queued'],
  moves: {
    queued: ['solving', 'solved', 'failed', 'cancelled'],
    solving: ['solving', 'solved', 'failed', 'cancelled'],
    solved: ['queued'],
    failed: ['queued'],
    cancelled: ['queued'],
  },
});
export type RoutePlanStatus = (typeof routePlanLifecycle.states)[number];

/**
 * The one way `route_plan.status` changes (dispatcher commands and the solve worker): guarded in SQL by the table
 * (plus the caller's own condition, typically the plan version being solved); returns whether the plan moved.
 * Callers emit their `route_plan.*` events, which carry solve facts.
 */
export async function moveRoutePlan(em: EntityManager, planId: string, to: RoutePlanStatus, w: MoveWrite = {}): Promise<boolean> {
  const moved = await writeMove(em, routePlanLifecycle, [planId], to, { ...w, set: `updated_at = now()${w.set ? `, ${w.set}` : ''}` });
  return moved.length === 1;
}
