import { defineLifecycle } from '../shared/lifecycle.js';

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
