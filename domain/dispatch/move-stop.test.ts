import { describe, expect, it } from 'vitest';
import { routingProblemSchema, type RoutingProblem } from '../routing/routing.schemas.js';
import { moveStop } from './move-stop.js';
import { evaluateRoute } from '../routing/describe.js';

// One depot (0) and five stops on a line; two vehicles with room for 3 parcels each.
function day(): RoutingProblem {
  const xs = [0, 1000, 2000, 3000, 4000, 5000];
  const d = xs.flatMap((a) => xs.map((b) => Math.abs(a - b)));
  return routingProblemSchema.parse({
    matrix: { n: xs.length, distanceM: d, durationS: d.map((m) => m / 10) },
    vehicles: [0, 1].map((v) => ({
      id: `v${v}`,
      startIndex: 0,
      endIndex: 0,
      capacityWeightG: 3,
      costPerKm: 100,
      shiftStartS: 0,
      shiftEndS: 5000,
    })),
    jobs: [1, 2, 3, 4, 5].map((loc) => ({
      id: `s${loc}`,
      locationIndex: loc,
      weightG: 1,
      serviceS: 60,
      timeWindow: loc === 5 ? { startS: 0, endS: 600 } : undefined,
    })),
  });
}

describe('moveStop', () => {
  it('returns the cost change of a feasible move', () => {
    const p = day();
    const a = { vehicleIndex: 0, jobs: [0, 1, 2], lockedCount: 0 };
    const b = { vehicleIndex: 1, jobs: [3], lockedCount: 0 };
    const out = moveStop(p, a, b, 2, 1);
    if ('kind' in out) throw new Error(out.detail);
    expect(out.feasible).toBe(true);
    const expected =
      evaluateRoute(p, 0, [0, 1]).cost +
      evaluateRoute(p, 1, [2, 3]).cost -
      evaluateRoute(p, 0, [0, 1, 2]).cost -
      evaluateRoute(p, 1, [3]).cost;
    expect(out.costDelta).toBeCloseTo(expected, 9);
    expect(out.to.stops.map((s) => s.jobId)).toEqual(['s3', 's4']);
  });

  it('names the capacity and time-window constraints a move breaks', () => {
    const p = day();
    const a = { vehicleIndex: 0, jobs: [0], lockedCount: 0 };
    const b = { vehicleIndex: 1, jobs: [1, 2, 3], lockedCount: 0 };
    const full = moveStop(p, a, b, 0, 4);
    if ('kind' in full) throw new Error(full.detail);
    expect(full.feasible).toBe(false);
    expect(full.violations.map((v) => v.constraint)).toEqual(['capacity_weight']);
    const c = { vehicleIndex: 0, jobs: [4], lockedCount: 0 };
    const d = { vehicleIndex: 1, jobs: [0, 1], lockedCount: 0 };
    const late = moveStop(p, c, d, 4, 3);
    if ('kind' in late) throw new Error(late.detail);
    expect(late.violations.map((v) => v.constraint)).toEqual(['time_window']);
  });

  it('reorders within one route', () => {
    const p = day();
    const a = { vehicleIndex: 0, jobs: [2, 0, 1], lockedCount: 0 };
    const out = moveStop(p, a, a, 2, 3);
    if ('kind' in out) throw new Error(out.detail);
    expect(out.to.stops.map((s) => s.jobIndex)).toEqual([0, 1, 2]);
    expect(out.costDelta).toBeLessThan(0);
  });

  it('refuses to move a locked stop or to insert before locked stops', () => {
    const p = day();
    const a = { vehicleIndex: 0, jobs: [0, 1], lockedCount: 1 };
    const b = { vehicleIndex: 1, jobs: [2, 3], lockedCount: 2 };
    expect(moveStop(p, a, b, 0, 3)).toMatchObject({ kind: 'locked_stop' });
    expect(moveStop(p, a, b, 1, 2)).toMatchObject({ kind: 'locked_position' });
    expect(moveStop(p, a, b, 1, 9)).toMatchObject({ kind: 'position_out_of_range' });
    expect(moveStop(p, a, b, 1, 3)).toMatchObject({ feasible: true });
  });
});
