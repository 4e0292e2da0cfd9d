import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../routing/checker.js';
import { routingProblemSchema, type RoutingProblem } from '../routing/routing.schemas.js';
import { randomProblem } from '../routing/random-problem.js';
import { clockText, evaluateRoute } from './route-eval.js';

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

  it('formats clock times for problem details', () => {
    expect(clockText(8 * 3600 + 30 * 60)).toBe('08:30');
  });
});
