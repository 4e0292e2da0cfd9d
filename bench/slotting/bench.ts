/**
 * Slotting benchmark: simulated picker travel on held-back weeks before and after applying the
 * re-slotting proposals (velocity from the earlier weeks), single-order picking, each tour routed by
 * the pick-path optimizer (Ratliff-Rosenthal optimum on the single-block area). Goal: ≥ 25 % less.
 * Seeded: the same seed gives the same figures. Real order lines: `npm run bench:slotting -- --data <csv>`.
 */
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { generateOrders, runSlotting, type SlottingResult } from './measure.js';

const BENCH = 'slotting';

export function slottingFigures(r: SlottingResult): Figure[] {
  return [
    figure(
      BENCH,
      'travel_after_reslot',
      r.travelAfterMm / 1000,
      'm',
      r.travelBeforeMm / 1000,
      'travel before re-slotting, same orders, same run',
    ),
    figure(BENCH, 'travel_per_order_after', r.travelAfterMm / 1000 / r.testOrders, 'm', r.travelBeforeMm / 1000 / r.testOrders, 'before'),
    figure(BENCH, 'plan_ms', r.planMs, 'ms', r.velocityMs + r.planMs, 'velocity + plan'),
    figure(BENCH, 'moves', r.moves, 'moves', r.proposals, 'proposals (a swap cycle adds a buffer move)'),
    figure(BENCH, 'travel_sim_ms', r.travelMs, 'ms', null),
  ];
}

/** The default experiment: 12 aisles × 20 bays × 2 sides × 2 levels = 960 faces, 800 SKUs, 52 weeks, last 13 held back. */
export function defaultRun(seed: number, quick: boolean): SlottingResult {
  const data = generateOrders({ skus: 800, weeks: 52, ordersPerWeek: quick ? 300 : 1500, skew: 1.0, seed });
  return runSlotting(data, { aisles: 12, bays: 20 });
}

const bench: Benchmark = {
  name: BENCH,
  budgetS: 30,
  async run({ quick, seed }) {
    return slottingFigures(defaultRun(seed ?? 12, !!quick));
  },
};
export default bench;
