import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import type { RoutingProblemInput } from './routing.schemas.js';

// Four points on a line 0..3 km apart; travel 1 s per 10 m; location 0 is the depot.
function lineProblem(): RoutingProblemInput {
  const n = 4;
  const d: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      d.push(Math.abs(i - j) * 1000);
      t.push(Math.abs(i - j) * 100);
    }
  return {
    matrix: { n, distanceM: d, durationS: t },
    vehicles: [
      { id: 'a', startIndex: 0, endIndex: 0, capacityWeightG: 10, costPerKm: 2, costPerHour: 36, fixedCost: 5 },
      { id: 'b', startIndex: 0, endIndex: 0, capacityWeightG: 10, shiftStartS: 0, shiftEndS: 1000 },
    ],
    jobs: [
      { id: 'j1', locationIndex: 1, weightG: 4, serviceS: 10 },
      { id: 'j2', locationIndex: 2, weightG: 4, serviceS: 10, timeWindow: { startS: 300, endS: 400 } },
      { id: 'j3', locationIndex: 3, weightG: 4, serviceS: 10 },
    ],
  };
}

describe('checkSolution', () => {
  it('accepts a feasible plan and recomputes distance, duration and cost', () => {
    const r = checkSolution(lineProblem(), [
      { vehicleIndex: 0, jobs: [0, 1] },
      { vehicleIndex: 1, jobs: [2] },
    ]);
    expect(r.violations).toEqual([]);
    expect(r.feasible).toBe(true);
    expect(r.distanceM).toBe(4000 + 6000);
    // Vehicle a: 0→1 (100 s) serve 10, →2 arrives 210, waits to 300, serve, back 200 s: returns at 510.
    expect(r.durationS).toBe(510 + 610);
    // a: 5 fixed + 4 km × 2 + (400 s drive + 20 s service) × 36/h = 17.2; b costs nothing.
    expect(r.cost).toBeCloseTo(5 + 8 + 4.2, 9);
    expect(r.vehiclesUsed).toBe(2);
  });

  it('catches a capacity violation', () => {
    const r = checkSolution(lineProblem(), [{ vehicleIndex: 0, jobs: [0, 1, 2] }]);
    expect(r.feasible).toBe(false);
    expect(r.violations.some((v) => v.includes('weight 12 exceeds capacity 10'))).toBe(true);
  });

  it('catches a missing customer and a duplicate visit', () => {
    const r = checkSolution(lineProblem(), [
      { vehicleIndex: 0, jobs: [0, 0] },
      { vehicleIndex: 1, jobs: [2] },
    ]);
    expect(r.violations).toContain('job j1 visited 2 times');
    expect(r.violations).toContain('job j2 not visited');
    expect(checkSolution(lineProblem(), [{ vehicleIndex: 0, jobs: [0] }], { allowUnassigned: true }).feasible).toBe(true);
  });

  it('catches a time-window violation caused by an earlier stop', () => {
    // j3 first: arrive at 3 at 300, serve to 310, back to 2 at 410 > window end 400.
    const r = checkSolution(lineProblem(), [
      { vehicleIndex: 0, jobs: [2, 1] },
      { vehicleIndex: 1, jobs: [0] },
    ]);
    expect(r.feasible).toBe(false);
    expect(r.violations.some((v) => v.includes('job j2 starts at 410.00'))).toBe(true);
  });

  it('catches a shift overrun and a vehicle used twice', () => {
    const p = lineProblem();
    p.vehicles[1].shiftEndS = 500;
    const r = checkSolution(p, [
      { vehicleIndex: 1, jobs: [2] },
      { vehicleIndex: 1, jobs: [0, 1] },
    ]);
    expect(r.violations.some((v) => v.includes('after shift end 500'))).toBe(true);
    expect(r.violations.some((v) => v.includes('used twice'))).toBe(true);
  });
});
