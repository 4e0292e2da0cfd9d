/**
 * `npm run bench:cartonization [-- --quick] [-- --detail <file.jsonl>] [-- --instances <file|dir>…]`: prints one JSON line per
 * figure, then a markdown table; --detail also writes each order's cartons (boxes, positions,
 * orientations, fill rates) from both packers, one JSON line per order.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { instancesArg } from '../lib/instances-arg.js';
import { runCartonization } from './bench.js';

const quick = process.argv.includes('--quick');
const detailAt = process.argv.indexOf('--detail');
const detailFile = detailAt >= 0 ? process.argv[detailAt + 1] : undefined;
const t0 = Date.now();
const run = runCartonization({ quick, keepResults: detailFile !== undefined, instances: instancesArg(process.argv.slice(2)) });
if (detailFile) writeFileSync(detailFile, run.perOrder!.map((o) => JSON.stringify(o)).join('\n') + '\n');
const wallS = (Date.now() - t0) / 1000;
const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, node ${process.version}`;

for (const f of run.figures) console.log(JSON.stringify({ ...f, machine }));
const fmt = (n: number | null) => (n === null ? '' : Number.isInteger(n) ? String(n) : n.toFixed(4));
console.log(`\n## Cartonization: ${run.orders} orders, ${run.units} units (${wallS.toFixed(1)} s wall, ${machine})\n`);
console.log('| metric | value | unit | baseline | ratio | baseline is |');
console.log('|---|---:|---|---:|---:|---|');
for (const f of run.figures)
  console.log(`| ${f.metric} | ${fmt(f.value)} | ${f.unit} | ${fmt(f.baseline)} | ${fmt(f.ratio)} | ${f.baselineName ?? ''} |`);
const kinds = (m: Map<string, number>) => [...m].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
console.log(`\nViolations by kind: ours ${kinds(run.ours.violations)}; binpackingjs ${kinds(run.theirs.violations)}`);
