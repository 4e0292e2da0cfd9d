import type { Benchmark } from '../lib/figure.js';
import { measurePickpath } from './measure.js';

/** Pick-path benchmark: single-block optimal DP vs heuristics, multi-block heuristic vs heuristics and bounds. */
const bench: Benchmark = {
  name: 'pickpath',
  budgetS: 30,
  async run(opts) {
    return measurePickpath(opts).figures;
  },
};

export default bench;
