import type { RoutingProblem } from '../routing/routing.schemas.js';
import { evaluateRoute, type RouteEvaluation, type Violation } from '../routing/describe.js';

/** A stored route as the move rule sees it: job indices in order, the first `lockedCount` fixed. */
export interface RouteSequence {
  vehicleIndex: number;
  jobs: number[];
  lockedCount: number;
}

export type MoveRejection =
  { kind: 'locked_stop'; detail: string } | { kind: 'locked_position'; detail: string } | { kind: 'position_out_of_range'; detail: string };

export interface MoveOutcome {
  feasible: boolean;
  violations: Violation[];
  costBefore: number;
  costAfter: number;
  costDelta: number;
  from: RouteEvaluation;
  to: RouteEvaluation;
}

/**
 * Moves job `job` from route `from` to route `to` at 1-based `position` (in the target after the
 * removal) and re-evaluates both routes. Rejects moves that touch locked stops; otherwise returns
 * the cost change and every violated constraint of the changed routes (empty = feasible).
 */
export function moveStop(
  p: RoutingProblem,
  from: RouteSequence,
  to: RouteSequence,
  job: number,
  position: number,
): MoveOutcome | MoveRejection {
  const at = from.jobs.indexOf(job);
  if (at < 0) throw new RangeError(`job ${job} is not on the source route`);
  if (at < from.lockedCount) return { kind: 'locked_stop', detail: 'the stop is already dispatched or done and stays on its vehicle' };
  const same = from === to || from.vehicleIndex === to.vehicleIndex;
  const fromAfter = from.jobs.filter((_, i) => i !== at);
  const target = same ? fromAfter.slice() : to.jobs.slice();
  if (position < 1 || position > target.length + 1)
    return { kind: 'position_out_of_range', detail: `position must be between 1 and ${target.length + 1}` };
  if (position <= to.lockedCount)
    return {
      kind: 'locked_position',
      detail: `positions 1..${to.lockedCount} of the target route are dispatched; insert at ${to.lockedCount + 1} or later`,
    };
  target.splice(position - 1, 0, job);
  const beforeFrom = evaluateRoute(p, from.vehicleIndex, from.jobs);
  const beforeTo = same ? undefined : evaluateRoute(p, to.vehicleIndex, to.jobs);
  const afterTo = evaluateRoute(p, to.vehicleIndex, target);
  const afterFrom = same ? afterTo : evaluateRoute(p, from.vehicleIndex, fromAfter);
  const costBefore = beforeFrom.cost + (beforeTo?.cost ?? 0);
  const costAfter = same ? afterTo.cost : afterFrom.cost + afterTo.cost;
  const violations = same ? afterTo.violations : [...afterFrom.violations, ...afterTo.violations];
  return {
    feasible: violations.length === 0,
    violations,
    costBefore,
    costAfter,
    costDelta: costAfter - costBefore,
    from: afterFrom,
    to: afterTo,
  };
}
