import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import { routingProblemSchema, type RoutingProblem } from './routing.schemas.js';
import { randomProblem } from './random-problem.js';
import { placeBreaks } from './break-placement.js';
import { solve } from './solver.js';
import { clockText, evaluateRoute } from './describe.js';

// Depot 0, stops 1..3 on a line 1 km apart, 100 s per km.
function line(): RoutingProblem {
  const xs = [0, 1000, 2000, 3000];
  const n = xs.length;
  const d = xs.flatMap((a) => xs.map((b) => Math.abs(a - b)));
  return routingProblemSchema.parse({
    matrix: { n, distanceM: d, durationS: d.map((m) => m / 10) },
    vehicles: [
      {
        id: 'v',
        startIndex: 0,
        endIndex: 0,
        capacityWeightG: 10,
        capacityVolumeCm3: 10,
        costPerKm: 100,
        costPerHour: 3600,
        fixedCost: 50,
        shiftStartS: 0,
        shiftEndS: 2000,
      },
    ],
    jobs: [
      { id: 'a', locationIndex: 1, weightG: 3, volumeCm3: 1, serviceS: 60 },
      { id: 'b', locationIndex: 2, weightG: 3, volumeCm3: 1, serviceS: 60, timeWindow: { startS: 500, endS: 600 } },
      { id: 'c', locationIndex: 3, weightG: 5, volumeCm3: 1, serviceS: 60, timeWindow: { startS: 0, endS: 400 } },
    ],
  });
}

describe('evaluateRoute', () => {
  it('waits for a window, then computes ETAs, loads, distance, duration and cost', () => {
    const ev = evaluateRoute(line(), 0, [0, 1]);
    expect(ev.stops.map((s) => [s.arrivalS, s.etaS, s.departureS])).toEqual([
      [100, 100, 160],
      [260, 500, 560],
    ]);
    expect(ev.stops.map((s) => s.loadAfterWeightG)).toEqual([3, 0]);
    expect(ev.endS).toBe(760);
    expect(ev.distanceM).toBe(4000);
    // fixed + 4 km × 100 + (400 s driving + 120 s service) × 1/s; waiting is not charged
    expect(ev.cost).toBeCloseTo(50 + 400 + 520, 9);
    expect(ev.violations).toEqual([]);
  });

  it('names every violated constraint', () => {
    const p = line();
    p.vehicles[0]!.shiftEndS = 1000;
    const late = evaluateRoute(p, 0, [1, 2, 0]);
    expect(late.violations.map((v) => v.constraint)).toEqual(['capacity_weight', 'time_window', 'shift_end']);
    expect(late.violations[1]!.jobId).toBe('c');
    p.vehicles[0]!.maxDurationS = 100;
    expect(evaluateRoute(p, 0, [0]).violations.map((v) => v.constraint)).toEqual(['max_duration']);
  });

  it('costs nothing for an empty route', () => {
    expect(evaluateRoute(line(), 0, [])).toMatchObject({ cost: 0, distanceM: 0, stops: [] });
  });

  it('agrees with the independent checker on random routes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.boolean(), (seed, tw) => {
        const p = routingProblemSchema.parse(randomProblem(seed, { jobs: 12, vehicles: 3, timeWindows: tw, heterogeneous: true }));
        const order = p.jobs.map((_, j) => j).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        const routes = [0, 1, 2].map((v) => ({ vehicleIndex: v, jobs: order.filter((_, k) => k % 3 === v) }));
        const report = checkSolution(p, routes);
        const evs = routes.map((r) => evaluateRoute(p, r.vehicleIndex, r.jobs));
        expect(evs.reduce((a, e) => a + e.cost, 0)).toBeCloseTo(report.cost, 6);
        expect(evs.reduce((a, e) => a + e.distanceM, 0)).toBeCloseTo(report.distanceM, 6);
        expect(evs.every((e) => e.violations.length === 0)).toBe(report.feasible);
      }),
      { numRuns: 60 },
    );
  });

  it('places driver breaks as the solver does, so stored ETAs include them', () => {
    for (const seed of [3, 4, 5]) {
      const p = routingProblemSchema.parse(randomProblem(seed, { jobs: 24, vehicles: 4, timeWindows: true, realFleet: true }));
      const sol = solve(p, { seed, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 150 });
      expect(sol.routes.some((r) => (r.breaks ?? []).length > 0)).toBe(true);
      for (const r of sol.routes) {
        const jobs = r.stops.map((s) => s.jobIndex);
        // Without positions (a stored or hand-edited route): the placement rule finds the solver's.
        const ev = evaluateRoute(p, r.vehicleIndex, jobs);
        const solverAt: number[] = [];
        for (const b of r.breaks ?? []) solverAt[b.breakIndex] = b.afterStop;
        expect(placeBreaks(p, r.vehicleIndex, jobs)).toEqual(solverAt);
        expect(ev.stops.map((s) => s.etaS)).toEqual(r.stops.map((s) => s.startS));
        expect(ev.breaks.map((b) => b.afterStop).sort()).toEqual([...solverAt].sort());
        expect(ev.violations.filter((v) => v.constraint === 'break' || v.constraint === 'time_window')).toEqual([]);
        expect(ev.endS).toBeCloseTo(r.endS, 6);
      }
    }
  });

  it('delays the stops after a break and reports a break that cannot start in its window', () => {
    const p = line();
    p.vehicles[0]!.breaks = [{ id: 'lunch', startS: 150, endS: 400, durationS: 100 }];
    // Without the break: a at 100, leaves 160; b at 260, waits for 500. The break fits in b's wait.
    const ev = evaluateRoute(p, 0, [0, 1]);
    expect(ev.breaks).toEqual([{ id: 'lunch', breakIndex: 0, afterStop: 1, startS: 160, endS: 260 }]);
    expect(ev.stops.map((s) => s.etaS)).toEqual([100, 500]);
    // Put it before the first stop: a is reached at max(150 + 100, 0 + 100 + 100) = 250.
    const early = evaluateRoute(p, 0, [0, 1], [0]);
    expect(early.stops[0]!.arrivalS).toBe(250);
    p.vehicles[0]!.breaks = [{ id: 'lunch', startS: 0, endS: 50, durationS: 100 }];
    expect(evaluateRoute(p, 0, [0, 1], [2]).violations.map((v) => v.constraint)).toContain('break');
  });

  it('names a skill the vehicle lacks and a pallet overload', () => {
    const p = line();
    p.jobs[0]!.skills = ['refrigerated'];
    p.jobs[1]!.pallets = 3;
    p.vehicles[0]!.capacityPallets = 2;
    const ev = evaluateRoute(p, 0, [0, 1]);
    expect(ev.violations.map((v) => v.constraint).sort()).toEqual(['capacity_pallets', 'skills']);
    expect(ev.violations.find((v) => v.constraint === 'skills')!.jobId).toBe('a');
  });

  it('formats clock times for problem details', () => {
    expect(clockText(8 * 3600 + 30 * 60)).toBe('08:30');
  });
});
