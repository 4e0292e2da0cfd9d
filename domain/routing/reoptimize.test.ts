import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import { randomProblem } from './random-problem.js';
import type { RoutingSolution } from './routing.schemas.js';
import { solve } from './solver.js';

const asChecked = (s: RoutingSolution) => s.routes.map((r) => ({ vehicleIndex: r.vehicleIndex, jobs: r.stops.map((x) => x.jobIndex) }));
const fixed = { timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 150, seed: 5 };

describe('re-optimisation', () => {
  it('keeps dispatched stops first and in order after a vehicle breakdown', () => {
    const p = randomProblem(21, { jobs: 40, vehicles: 10, timeWindows: true, heterogeneous: true });
    const first = solve(p, fixed);
    const [kept, broken] = first.routes;
    const locked = kept.stops.slice(0, 2).map((s) => s.jobIndex);
    // The broken-down vehicle is withdrawn: its shift ends before it starts.
    p.vehicles[kept.vehicleIndex].lockedJobs = locked;
    p.vehicles[broken.vehicleIndex].shiftEndS = -1;
    const again = solve(p, { ...fixed, initialRoutes: asChecked(first) });
    const route = again.routes.find((r) => r.vehicleIndex === kept.vehicleIndex)!;
    expect(route.stops.slice(0, 2).map((s) => s.jobIndex)).toEqual(locked);
    expect(again.routes.some((r) => r.vehicleIndex === broken.vehicleIndex)).toBe(false);
    const report = checkSolution(p, asChecked(again), { allowUnassigned: true });
    expect(report.violations).toEqual([]);
    expect(again.cost).toBeCloseTo(report.cost, 6);
    const served = new Set(again.routes.flatMap((r) => r.stops.map((s) => s.jobIndex)));
    expect(served.size + again.unassigned.length).toBe(40);
  });

  it('returns the locked stops alone when nothing else fits the vehicle', () => {
    const p = randomProblem(22, { jobs: 6, vehicles: 2 });
    p.vehicles[0].lockedJobs = [3, 1];
    p.vehicles[0].capacityWeightG = p.jobs[3].weightG! + p.jobs[1].weightG!;
    const s = solve(p, fixed);
    const r0 = s.routes.find((r) => r.vehicleIndex === 0)!;
    expect(r0.stops.map((x) => x.jobIndex)).toEqual([3, 1]);
    expect(checkSolution(p, asChecked(s)).violations).toEqual([]);
  });

  it('rejects a job locked on two vehicles', () => {
    const p = randomProblem(23, { jobs: 6, vehicles: 2 });
    p.vehicles[0].lockedJobs = [1];
    p.vehicles[1].lockedJobs = [1];
    expect(() => solve(p, fixed)).toThrow(/locked on two vehicles/);
  });

  it('warm-starts from a previous plan without losing quality', () => {
    const p = randomProblem(24, { jobs: 40, vehicles: 10, timeWindows: true });
    const first = solve(p, { ...fixed, maxIterations: 800 });
    const again = solve(p, { ...fixed, maxIterations: 0, initialRoutes: asChecked(first) });
    expect(again.cost).toBeLessThanOrEqual(first.cost + 1e-6);
    expect(checkSolution(p, asChecked(again)).violations).toEqual([]);
  });
});
