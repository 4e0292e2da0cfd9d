/**
 * Purchase-suggestion forecast backtest. A generated catalogue of intermittent, skewed, mildly
 * seasonal weekly demand (two years of history, then held-back weeks): TSB one-step-ahead forecasts
 * against seasonal-naive (same week last year) in the same run, scored by WAPE; then a simulation of
 * the reorder policy (weekly review, 2-week lead time, 95 % target) over the held-back weeks reports
 * the cycle service level and fill rate reached. Seeded: the same seed gives the same figures.
 */
import { performance } from 'node:perf_hooks';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { reorderAdvice, seasonalNaive, tsbForecasts, wape } from '../../domain/slotting/forecast.js';
import { mulberry32 } from '../../domain/shared/rng.js';

const BENCH = 'forecast';
const HISTORY = 104;

function poisson(rnd: () => number, lambda: number): number {
  // Knuth's method; lambda stays small here.
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rnd();
  } while (p > l);
  return k - 1;
}

/** Weekly demand per SKU: lognormal-skewed rates, a demand probability per week, a yearly season. */
export function generateDemand(skus: number, weeks: number, seed: number): number[][] {
  const rnd = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: skus }, () => {
    const size = Math.max(1, Math.exp(1 + 0.9 * normal()));
    const p = 0.08 + 0.85 * rnd() ** 1.5;
    const peak = Math.floor(rnd() * 52);
    const amp = 0.4 * rnd();
    return Array.from({ length: weeks }, (_, t) => {
      const season = 1 + amp * Math.cos((2 * Math.PI * (t - peak)) / 52);
      return rnd() < Math.min(1, p * season) ? 1 + poisson(rnd, (size - 1) * season) : 0;
    });
  });
}

const bench: Benchmark = {
  name: BENCH,
  budgetS: 20,
  async run({ quick, seed }) {
    const holdout = 12;
    const series = generateDemand(quick ? 200 : 1000, HISTORY + holdout, seed ?? 12);
    const t0 = performance.now();
    const actual: number[] = [];
    const tsb: number[] = [];
    const naive: number[] = [];
    for (const s of series) {
      const f = tsbForecasts(s);
      for (let t = HISTORY; t < HISTORY + holdout; t++) {
        actual.push(s[t]!);
        tsb.push(f[t]!);
        naive.push(seasonalNaive(s, t));
      }
    }
    const forecastMs = performance.now() - t0;
    // Policy simulation over the held-back weeks: review weekly, orders arrive after the lead time.
    const lead = 2;
    let cycles = 0;
    let cyclesOk = 0;
    let demanded = 0;
    let served = 0;
    const t1 = performance.now();
    for (const s of series) {
      const start = reorderAdvice({
        history: s.slice(0, HISTORY),
        leadTimeWeeks: lead,
        reviewWeeks: 1,
        serviceLevel: 0.95,
        onHand: 0,
        onOrder: 0,
      });
      let onHand = start.orderUpTo;
      const pipeline: number[] = Array(holdout + lead + 1).fill(0);
      for (let w = 0; w < holdout; w++) {
        onHand += pipeline[w]!;
        const onOrder = pipeline.slice(w + 1).reduce((a, b) => a + b, 0);
        const adv = reorderAdvice({
          history: s.slice(0, HISTORY + w),
          leadTimeWeeks: lead,
          reviewWeeks: 1,
          serviceLevel: 0.95,
          onHand,
          onOrder,
        });
        pipeline[w + lead] = (pipeline[w + lead] ?? 0) + adv.suggestedQty;
        const d = s[HISTORY + w]!;
        const got = Math.min(d, onHand);
        onHand -= got;
        demanded += d;
        served += got;
        cycles++;
        if (got === d) cyclesOk++;
      }
    }
    const simMs = performance.now() - t1;
    const tsbWape = wape(actual, tsb);
    const naiveWape = wape(actual, naive);
    const figs: Figure[] = [
      figure(BENCH, 'wape_tsb', tsbWape, 'ratio', naiveWape, 'seasonal-naive WAPE (same week last year), same run'),
      figure(BENCH, 'cycle_service_level', cyclesOk / cycles, 'ratio', 0.95, 'target service level'),
      figure(BENCH, 'fill_rate', served / demanded, 'ratio', 0.95, 'target service level'),
      figure(BENCH, 'backtest_ms', forecastMs + simMs, 'ms', null),
    ];
    return figs;
  },
};
export default bench;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await bench.run({ quick: process.argv.includes('--quick') })) console.log(JSON.stringify(f));
}
