import { describe, expect, it } from 'vitest';
import { checkSolution } from './checker.js';
import { minimizeFleet } from './fleet-min.js';
import { compileModel } from './model.js';
import { Rng } from './prng.js';
import { randomProblem } from './random-problem.js';
import { recreate } from './recreate.js';
import { ruin } from './ruin.js';
import { routingProblemSchema } from './routing.schemas.js';
import { SolutionState } from './solution-state.js';

describe('fleet minimisation', () => {
  it('turns one-job-per-route plans into far fewer complete, feasible routes', () => {
    for (const seed of [1, 2]) {
      const input = randomProblem(seed, { jobs: 24, vehicles: 24, timeWindows: seed !== 1 });
      const m = compileModel(routingProblemSchema.parse(input));
      const S = new SolutionState(m);
      for (let j = 0; j < m.J; j++) S.routes[j].nodes = [j];
      S.updateAll();
      expect(S.usedRoutes).toBe(24);
      const rng = new Rng(seed);
      const seen = new Uint8Array(m.V);
      minimizeFleet(S, {
        rng,
        ruinRecreate: (onTouch, order) => {
          const removed = ruin(S, { avgRemoved: 6, maxStringLen: 5, splitRate: 0.01 }, rng, onTouch, []);
          removed.push(...S.unassigned);
          S.unassigned = [];
          order(removed);
          recreate(S, removed, 0.01, rng, seen, onTouch);
        },
        done: (it) => it >= 1500,
      });
      expect(S.unassigned).toEqual([]);
      expect(S.usedRoutes).toBeLessThanOrEqual(8);
      const report = checkSolution(
        input,
        S.routes.map((R) => ({ vehicleIndex: R.v, jobs: R.nodes })),
      );
      expect(report.violations).toEqual([]);
      expect(report.vehiclesUsed).toBe(S.usedRoutes);
    }
  });
});
