/**
 * `npm run bench:pickpath [-- --quick] [-- --seed N] [-- --instances <file|dir>…]`: prints one JSON line per figure, then a
 * markdown table of the figures and per-group tables.
 */
import { cpus } from 'node:os';
import { instancesArg } from '../lib/instances-arg.js';
import { measurePickpath } from './measure.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;

const t0 = Date.now();
const { figures, markdown } = measurePickpath({ quick, seed, instances: instancesArg(args) });
const wallS = (Date.now() - t0) / 1000;
for (const f of figures) console.log(JSON.stringify({ ...f, seed }));
console.log(
  `\n# pick-path benchmark (seed ${seed}${quick ? ', quick' : ''}; ${wallS.toFixed(1)} s; ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; node ${process.version})\n`,
);
console.log('| metric | value | unit | baseline | ratio |');
console.log('|---|---:|---|---:|---:|');
for (const f of figures) {
  console.log(
    `| ${f.metric} | ${f.value} | ${f.unit} | ${f.baseline ?? '-'}${f.baselineName ? ` (${f.baselineName})` : ''} | ${f.ratio === null ? '-' : f.ratio.toFixed(3)} |`,
  );
}
console.log(`\n${markdown}`);
