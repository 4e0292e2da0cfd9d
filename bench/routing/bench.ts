/**
 * Routing benchmark for `npm run bench`: a quick subset of the shared instances, each solved
 * with a fixed time limit and checked by the independent checker; the baseline is the best
 * known solution (ratio = cost / BKS). Time limits echo VROOM's published figures on this kind
 * of machine (X-n101-k25 ~+0.5% in 1.3 s, X-n251-k28 ~+1.5% in 9.5 s).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { runInstance } from './run-instance.js';

const DATA = fileURLToPath(new URL('../data/routing', import.meta.url));
// Li & Lim PDPTW instances are not shipped (bench/data/routing-pdptw/SOURCES.md): bench:routing takes them from --instances.
const SUBSET: { file: string; timeLimitS: number; dir?: string }[] = [
  { file: 'X-n101-k25.vrp', timeLimitS: 1.3 },
  { file: 'X-n101-k25.vrp', timeLimitS: 5 },
  { file: 'X-n251-k28.vrp', timeLimitS: 9.5 },
  { file: 'C101.txt', timeLimitS: 2 },
  { file: 'R101.txt', timeLimitS: 3 },
  { file: 'RC201.txt', timeLimitS: 3 },
];

const bench: Benchmark = {
  name: 'routing',
  budgetS: 30,
  async run({ quick, seed }) {
    const figures: Figure[] = [];
    for (const s of SUBSET) {
      const timeLimitS = quick ? s.timeLimitS / 2 : s.timeLimitS;
      const r = await runInstance(join(s.dir ?? DATA, s.file), { timeLimitS, seed: seed ?? 1, solomon: 'hierarchical' });
      const tag = `${r.instance} @${timeLimitS}s`;
      figures.push(figure('routing', `cost ${tag}${r.feasible ? '' : ' INFEASIBLE'}`, r.cost, 'distance', r.bks, 'BKS'));
      if (r.bksVehicles != null) figures.push(figure('routing', `vehicles ${tag}`, r.vehicles, 'vehicles', r.bksVehicles, 'BKS vehicles'));
    }
    return figures;
  },
};

export default bench;
