import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import { regretInsertion } from './construction.js';
import { compileModel } from './model.js';
import { randomProblem } from './random-problem.js';
import { routingProblemSchema } from './routing.schemas.js';
import { SolutionState } from './solution-state.js';

describe('regret-2 insertion', () => {
  it('builds feasible plans and leaves out only jobs that fit nowhere', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.boolean(), fc.boolean(), (seed, tw, het) => {
        const input = randomProblem(seed, { jobs: 35, vehicles: 8, timeWindows: tw, heterogeneous: het });
        const m = compileModel(routingProblemSchema.parse(input));
        const S = new SolutionState(m);
        S.updateAll();
        regretInsertion(S, [...Array(m.J).keys()]);
        const report = checkSolution(
          input,
          S.routes.map((R) => ({ vehicleIndex: R.v, jobs: R.nodes })),
          { allowUnassigned: true },
        );
        expect(report.violations).toEqual([]);
        expect(S.routes.reduce((s, R) => s + R.nodes.length, 0) + S.unassigned.length).toBe(35);
        // Every job left out really has no feasible position in the final plan (regret never gives up early).
        for (const j of S.unassigned) {
          for (const R of S.routes) {
            for (let k = 0; k <= R.nodes.length; k++) {
              const seq = [...R.nodes.slice(0, k), j, ...R.nodes.slice(k)];
              const one = checkSolution(input, [{ vehicleIndex: R.v, jobs: seq }], { allowUnassigned: true });
              expect(one.feasible).toBe(false);
            }
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  it('respects a cap on the number of routes', () => {
    const input = randomProblem(3, { jobs: 30, vehicles: 10 });
    const m = compileModel(routingProblemSchema.parse(input));
    const S = new SolutionState(m);
    S.updateAll();
    S.maxRoutes = 2;
    regretInsertion(S, [...Array(m.J).keys()]);
    expect(S.usedRoutes).toBe(2);
    expect(S.unassigned.length).toBeGreaterThan(0);
  });
});
