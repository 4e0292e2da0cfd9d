import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import { solveParallel } from './parallel.js';
import { randomProblem } from './random-problem.js';
import { SharedBest, createSharedBest } from './shared-best.js';

describe('solveParallel (second core)', () => {
  it('returns a checker-feasible plan found by two searches sharing their best', async () => {
    const p = randomProblem(5, { jobs: 40, vehicles: 10, timeWindows: true });
    const s = await solveParallel(p, { seed: 3, threads: 2, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 600 });
    expect(s.unassigned).toEqual([]);
    const report = checkSolution(
      p,
      s.routes.map((r) => ({ vehicleIndex: r.vehicleIndex, jobs: r.stops.map((x) => x.jobIndex) })),
    );
    expect(report.violations).toEqual([]);
    expect(s.cost).toBeCloseTo(report.cost, 6);
  });

  it('shares only a cheaper plan, and each thread takes a plan once', () => {
    const buf = createSharedBest(5, 3);
    const a = new SharedBest(buf);
    const b = new SharedBest(buf);
    a.publish(100, [[0, 1], [2], [3, 4]]);
    expect(b.take(120)).toEqual({ cost: 100, routes: [[0, 1], [2], [3, 4]] });
    expect(b.take(120)).toBeNull();
    b.publish(110, [[0], [1, 2], [3, 4]]);
    expect(a.take(200)).toBeNull();
    b.publish(90, [[0, 1, 2], [], [3, 4]]);
    expect(a.take(95)).toEqual({ cost: 90, routes: [[0, 1, 2], [], [3, 4]] });
    expect(a.take(80)).toBeNull();
  });
});
