/**
 * Routing benchmark for `npm run bench`: a short anytime curve on two X instances (a separate
 * run at each checkpoint, as bench:routing does) and three Solomon instances, each checked by the
 * independent checker; the baseline is the best known solution (ratio = cost / BKS). The last
 * figures summarise the curve: the mean cost/BKS over the X instances at each checkpoint; then
 * the hybrid genetic search (`algorithm: 'hgs'`) on X-n101 at the same checkpoints. Each
 * Solomon instance also runs the budget-sized schedule (the vehicles-first default before issue
 * 17's prefix schedule) for the same time: its distance is the same-run baseline of the default's.
 * Quick mode halves the checkpoints and drops the last one. The full curve (1, 2, 5, 10, 30 s on
 * every instance with seed spread) is `npm run bench:routing`.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { runInstance } from './run-instance.js';

const DATA = fileURLToPath(new URL('../data/routing', import.meta.url));
// Li & Lim PDPTW instances are not shipped (bench/data/routing-pdptw/SOURCES.md): bench:routing takes them from --instances.
const CURVE = ['X-n101-k25.vrp', 'X-n251-k28.vrp'];
const CHECKPOINTS_S = [1, 2, 5, 10];
const TW: { file: string; timeLimitS: number }[] = [
  { file: 'C101.txt', timeLimitS: 2 },
  { file: 'R101.txt', timeLimitS: 3 },
  { file: 'RC201.txt', timeLimitS: 3 },
];

const bench: Benchmark = {
  name: 'routing',
  budgetS: 80,
  async run({ quick, seed }) {
    const figures: Figure[] = [];
    const checkpoints = quick ? CHECKPOINTS_S.slice(0, -1).map((c) => c / 2) : CHECKPOINTS_S;
    const ratios = checkpoints.map(() => [] as number[]);
    for (const file of CURVE) {
      for (const [k, timeLimitS] of checkpoints.entries()) {
        const r = await runInstance(join(DATA, file), { timeLimitS, seed: seed ?? 1, solomon: 'hierarchical' });
        figures.push(
          figure('routing', `cost ${r.instance} @${timeLimitS}s${r.feasible ? '' : ' INFEASIBLE'}`, r.cost, 'distance', r.bks, 'BKS'),
        );
        if (r.bks && r.feasible) ratios[k].push(r.cost / r.bks);
      }
    }
    for (const [k, timeLimitS] of checkpoints.entries()) {
      const rs = ratios[k];
      if (rs.length === 0) continue;
      const mean = rs.reduce((a, b) => a + b, 0) / rs.length;
      figures.push(figure('routing', `anytime X mean cost/BKS @${timeLimitS}s (${rs.length} instances)`, mean, 'ratio', 1, 'BKS'));
    }
    // The hybrid genetic search (algorithm 'hgs') on the first curve instance, same checkpoints:
    // its cost/BKS beside SISR's above, both runs of this command.
    for (const timeLimitS of checkpoints) {
      const r = await runInstance(join(DATA, CURVE[0]), { timeLimitS, seed: seed ?? 1, solomon: 'hierarchical', variant: 'hgs' });
      figures.push(
        figure('routing', `cost ${r.instance} hgs @${timeLimitS}s${r.feasible ? '' : ' INFEASIBLE'}`, r.cost, 'distance', r.bks, 'BKS'),
      );
    }
    for (const s of TW) {
      const timeLimitS = quick ? s.timeLimitS / 2 : s.timeLimitS;
      const r = await runInstance(join(DATA, s.file), { timeLimitS, seed: seed ?? 1, solomon: 'hierarchical' });
      const tag = `${r.instance} @${timeLimitS}s`;
      figures.push(figure('routing', `cost ${tag}${r.feasible ? '' : ' INFEASIBLE'}`, r.cost, 'distance', r.bks, 'BKS'));
      if (r.bksVehicles != null) figures.push(figure('routing', `vehicles ${tag}`, r.vehicles, 'vehicles', r.bksVehicles, 'BKS vehicles'));
      const old = await runInstance(join(DATA, s.file), { timeLimitS, seed: seed ?? 1, solomon: 'hierarchical', variant: 'budget' });
      if (r.feasible && old.feasible)
        figures.push(
          figure(
            'routing',
            `distance ${tag} prefix schedule (v${r.vehicles}) vs budget schedule (v${old.vehicles})`,
            r.cost,
            'distance',
            old.cost,
            'budget schedule, same run',
          ),
        );
    }
    return figures;
  },
};

export default bench;
