/**
 * `npm run bench:slotting [-- --quick] [-- --seed N] [-- --data <orders.csv>] [-- --aisles A --bays B]`
 * Prints one JSON line per figure, then a markdown summary. `--data` takes real order lines
 * (`order_id,sku[,week]`, header required) instead of the generated year.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { defaultRun, slottingFigures } from './bench.js';
import { parseOrderCsv, runSlotting } from './measure.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const seed = Number(opt('--seed') ?? 12);
const data = opt('--data');
const t0 = Date.now();
let r;
if (data) {
  const d = parseOrderCsv(readFileSync(data, 'utf8'));
  const bays = Number(opt('--bays') ?? 20);
  const aisles = Number(opt('--aisles') ?? Math.max(4, Math.ceil((d.skus.length * 1.2) / (bays * 4))));
  r = runSlotting(d, { aisles, bays });
} else r = defaultRun(seed, quick);
const wallS = (Date.now() - t0) / 1000;
const figs = slottingFigures(r);
for (const f of figs) console.log(JSON.stringify({ ...f, seed: data ? null : seed }));
console.log(
  `\n# slotting benchmark (${r.source}; ${wallS.toFixed(1)} s; ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; node ${process.version})\n`,
);
console.log(`faces ${r.faces}, SKUs ${r.skus}, velocity from ${r.trainWeeks} weeks, travel on ${r.testOrders} held-back orders`);
console.log(`proposals ${r.proposals}, moves ${r.moves} (${r.bufferMoves} through a buffer), skipped ${r.skipped}\n`);
console.log('| metric | value | unit | baseline | ratio |');
console.log('|---|---:|---|---:|---:|');
for (const f of figs)
  console.log(
    `| ${f.metric} | ${Math.round(f.value * 100) / 100} | ${f.unit} | ${f.baseline === null ? '-' : Math.round(f.baseline * 100) / 100}${f.baselineName ? ` (${f.baselineName})` : ''} | ${f.ratio === null ? '-' : f.ratio.toFixed(3)} |`,
  );
