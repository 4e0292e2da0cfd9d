/**
 * `npm run soak [-- --orders 300 --rate 5 --seed 1]`: the long-form chaos soak of issue 16 (scripts/soak/run.ts).
 * Prints a JSON report (orders, faults injected, duration, each invariant) and exits 1 when an invariant fails.
 * The short form runs in `npm test` as test/cluster/chaos-soak.test.ts.
 */
import { parseArgs } from 'node:util';
import { runSoak } from './soak/run.js';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '300' },
    rate: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
  },
});
const report = await runSoak({ orders: Number(args.orders), rate: Number(args.rate), seed: Number(args.seed) });
console.log(JSON.stringify(report, null, 2));
process.exit(Object.values(report.invariants).every(Boolean) ? 0 : 1);
