import { readdirSync, statSync } from 'node:fs';
import { join, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runInstanceCurve, variantLabel, variantThreads, VARIANTS, type InstanceResult, type RunOptions } from './run-instance.js';

/**
 * npm run bench:routing -- --instances <files or dirs> --time-limit <s> --seeds 1,2,3 --json
 *   [--checkpoints 1,2,5,10,30] [--solutions <dir>] [--parallel 2] [--solomon hierarchical|distance]
 *   [--variants budget,prefix,single,independent,default] [--max-iterations N (instead of the clock; one column)]
 *   [--hgs '{"mu":8}' (HGS parameters over every variant's)] [--hgs-max-jobs N (HGS/SISR size threshold)]
 *   [--clock cpu (time limits in CPU seconds of each solving thread: curves that a loaded machine
 *   only slows down; a two-thread variant then gets that much CPU on each thread)]
 * One line (JSON with --json) per instance, seed and variant, then the anytime curve (gap at
 * each checkpoint: median over seeds and the seed spread; vehicles and distance apart for the
 * vehicles-first classes), the tables per class, and a summary line. Each checkpoint is a
 * separate run of that length (the epochs are sized to the budget). With several variants, each
 * instance, seed and checkpoint runs them back to back, and a last table compares them.
 */

interface Args {
  files: string[];
  opts: RunOptions;
  json: boolean;
  parallel: number;
  seeds: number[];
  variants: string[];
}

function parseArgs(argv: string[]): Args {
  const files: string[] = [];
  const opts: RunOptions = { timeLimitS: 30, seed: 1, solomon: 'hierarchical' };
  let json = false;
  let parallel = 1;
  let seeds: number[] | undefined;
  let checkpoints = [1, 2, 5, 10, 30];
  let variants = ['default'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--instances') {
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) files.push(...argv[++i].split(',').filter(Boolean));
    } else if (a === '--time-limit') opts.timeLimitS = Number(argv[++i]);
    else if (a === '--max-iterations') opts.maxIterations = Number(argv[++i]);
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else if (a === '--seeds') seeds = argv[++i].split(',').map(Number);
    else if (a === '--checkpoints') checkpoints = argv[++i].split(',').map(Number);
    else if (a === '--solutions') opts.solutionsDir = argv[++i];
    else if (a === '--parallel') parallel = Math.max(1, Number(argv[++i]));
    else if (a === '--solomon') opts.solomon = argv[++i] === 'distance' ? 'distance' : 'hierarchical';
    else if (a === '--json') json = true;
    else if (a === '--hgs') opts.hgs = JSON.parse(argv[++i]) as RunOptions['hgs'];
    else if (a === '--hgs-max-jobs') opts.hgsMaxJobs = Number(argv[++i]);
    else if (a === '--clock') opts.clock = argv[++i] === 'cpu' ? 'cpu' : 'wall';
    else if (a === '--variants') {
      variants = argv[++i].split(',').filter(Boolean);
      for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v} (${Object.keys(VARIANTS).join(', ')})`);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (files.length === 0) files.push(fileURLToPath(new URL('../data/routing', import.meta.url)));
  opts.checkpoints = [...new Set([...checkpoints.filter((c) => c < opts.timeLimitS), opts.timeLimitS])];
  // An iteration budget is one run per instance, seed and variant: its curve has one point.
  if (opts.maxIterations) opts.checkpoints = [opts.timeLimitS];
  return { files: expand(files), opts, json, parallel, seeds: seeds ?? [opts.seed], variants };
}

function expand(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) {
        const ext = extname(f).toLowerCase();
        if (ext === '.vrp' || ext === '.txt') out.push(join(abs, f));
      }
    } else out.push(abs);
  }
  return out;
}

async function runParallel(
  files: string[],
  opts: RunOptions,
  variants: string[],
  n: number,
  onResult: (r: InstanceResult) => void,
): Promise<void> {
  const shards: string[][] = Array.from({ length: n }, () => []);
  files.forEach((f, i) => shards[i % n].push(f));
  await Promise.all(
    shards
      .filter((s) => s.length > 0)
      .map(
        (shard) =>
          new Promise<void>((done, fail) => {
            // Worker threads do not inherit tsx's loader on Node 20: register it inside the thread first.
            const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); })`;
            const w = new Worker(boot, { eval: true, workerData: { files: shard, opts, variants } });
            w.on('message', onResult);
            w.on('error', fail);
            w.on('exit', () => done());
          }),
      ),
  );
}

async function main(): Promise<void> {
  const { files, opts, json, parallel, seeds, variants } = parseArgs(process.argv.slice(2));
  const results: InstanceResult[] = [];
  // Say up front which variants search on more than one thread (they use that many cores).
  if (!json && variants.some((v) => variantThreads(v) > 1))
    console.log(`variants: ${variants.map((v) => variantLabel(v, opts.clock)).join('; ')}`);
  const print = (r: InstanceResult): void => {
    results.push(r);
    if (json) console.log(JSON.stringify(r));
    else
      console.log(
        `${r.instance.padEnd(12)} ${variants.length > 1 ? `${r.variant.padEnd(12)}` : ''}${variantThreads(r.variant) > 1 ? `[${variantThreads(r.variant)} threads] ` : ''}cost ${r.cost} bks ${r.bks ?? '-'} gap ${r.gapPct ?? '-'}% time ${r.timeS}s vehicles ${r.vehicles}${r.bksVehicles != null ? `/${r.bksVehicles}` : ''} feasible ${r.feasible}`,
      );
  };
  for (const seed of seeds) {
    const o = { ...opts, seed };
    if (parallel > 1) await runParallel(files, o, variants, parallel, print);
    else for (const f of files) for (const r of await runInstanceCurve(f, o, variants)) print(r);
  }
  for (const v of variants) {
    if (variants.length > 1) console.log(`\n=== variant ${variantLabel(v, opts.clock)}`);
    printCurve(
      results.filter((r) => r.variant === v),
      opts.checkpoints!,
    );
  }
  if (variants.length > 1) printComparison(results, variants, opts.checkpoints!);
  const stats = (rs: InstanceResult[]) => {
    const gaps = rs.map((r) => r.gapPct).filter((g): g is number => g !== null);
    return {
      instances: rs.length,
      feasible: rs.filter((r) => r.feasible).length,
      meanGapPct: gaps.length ? Math.round((gaps.reduce((a, b) => a + b, 0) / gaps.length) * 100) / 100 : null,
      maxGapPct: gaps.length ? Math.max(...gaps) : null,
    };
  };
  const main0 = results.filter((r) => r.variant === variants[0]);
  const cvrp = main0.filter((r) => r.convention === undefined);
  const vrptw = main0.filter((r) => r.convention !== undefined);
  const summary = {
    summary: true,
    ...stats(main0),
    cvrp: stats(cvrp),
    // Solomon: how many instances use more vehicles than the BKS, and the worst excess.
    vrptw: {
      ...stats(vrptw),
      overBksVehicles: vrptw.filter((r) => r.bksVehicles != null && r.vehicles > r.bksVehicles).length,
      maxExtraVehicles: vrptw.length ? Math.max(...vrptw.map((r) => r.vehicles - (r.bksVehicles ?? r.vehicles))) : null,
    },
    timeLimitS: opts.timeLimitS,
    seeds,
    variants,
  };
  console.log(json ? JSON.stringify(summary) : `summary: ${JSON.stringify(summary)}`);
}

type Cls = 'X' | 'Solomon' | 'PDPTW';
const classOf = (r: InstanceResult): Cls => (r.convention === undefined ? 'X' : r.convention.startsWith('pdptw') ? 'PDPTW' : 'Solomon');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (x: number): number => Math.round(x * 100) / 100;

/** Anytime curve per instance (median gap over seeds, spread min..max) and the mean per class at each checkpoint. */
function printCurve(results: InstanceResult[], checkpoints: number[]): void {
  const byInstance = new Map<string, InstanceResult[]>();
  for (const r of results) byInstance.set(r.instance, [...(byInstance.get(r.instance) ?? []), r]);
  const head = checkpoints.map((c) => `${c}s`.padStart(27)).join('');
  console.log(`\nanytime curve: distance gap % to BKS, median over seeds [min..max]; vehicles median/BKS\n${'instance'.padEnd(12)}${head}`);
  for (const [name, rs] of byInstance) {
    const cells = checkpoints.map((_, k) => {
      const gaps = rs.map((r) => r.curve?.[k]?.gapPct).filter((g): g is number => g != null);
      const veh = rs.map((r) => r.curve?.[k]?.vehicles).filter((v): v is number => v != null);
      if (gaps.length === 0) return '-'.padStart(27);
      const g = `${r2(median(gaps))} [${r2(Math.min(...gaps))}..${r2(Math.max(...gaps))}]`;
      const v = veh.length ? ` v${median(veh)}/${rs[0].bksVehicles ?? '-'}` : '';
      return `${g}${v}`.padStart(27);
    });
    console.log(`${name.padEnd(12)}${cells.join('')}`);
  }
  console.log(
    `\nper class: mean over instances of the median gap %; vehicles over BKS = instances whose median fleet exceeds the BKS fleet`,
  );
  for (const cls of ['X', 'Solomon', 'PDPTW'] as Cls[]) {
    const insts = [...byInstance.values()].filter((rs) => classOf(rs[0]) === cls);
    if (insts.length === 0) continue;
    const cells = checkpoints.map((_, k) => {
      const meds = insts
        .map((rs) => rs.map((r) => r.curve?.[k]?.gapPct).filter((g): g is number => g != null))
        .filter((g) => g.length > 0)
        .map(median);
      const over = insts.filter((rs) => {
        const v = rs.map((r) => r.curve?.[k]?.vehicles).filter((x): x is number => x != null);
        return v.length > 0 && rs[0].bksVehicles != null && median(v) > rs[0].bksVehicles;
      }).length;
      const mean = meds.length ? r2(meds.reduce((a, b) => a + b, 0) / meds.length) : '-';
      return `${mean}${cls === 'X' ? '' : ` (+veh ${over})`}`.padStart(27);
    });
    console.log(`${`${cls} (${insts.length})`.padEnd(12)}${cells.join('')}`);
  }
  // Never worse for a longer run on the same seed: every pair of checkpoints of each (instance,
  // seed) curve (not only neighbours: 1 s against 30 s too) where the longer run got worse
  // (more vehicles, or as many and a longer distance) is listed.
  const worse: string[] = [];
  let steps = 0;
  for (const r of results) {
    const c = r.curve ?? [];
    for (let k = 1; k < c.length; k++)
      for (let i = 0; i < k; i++) {
        const a = c[i];
        const b = c[k];
        if (a.distance == null || b.distance == null) continue;
        steps++;
        const va = a.vehicles ?? 0;
        const vb = b.vehicles ?? 0;
        if (vb > va || (vb === va && b.distance > a.distance + 1e-9))
          worse.push(`${r.instance}#${r.seed} ${a.atS}s→${b.atS}s ${va ? `v${va}→v${vb} ` : ''}${a.distance}→${b.distance}`);
      }
  }
  console.log(`\nlonger run worse on the same seed: ${worse.length} of ${steps} pairs${worse.length ? `: ${worse.join('; ')}` : ''}`);
}

/**
 * Same-run comparison of variants: at each checkpoint, the mean gap of each variant over all
 * (instance, seed) runs, and the mean ratio of its distance to the first variant's on the same
 * instance and seed (vehicles-first classes: runs with a different fleet are counted apart).
 */
function printComparison(results: InstanceResult[], variants: string[], checkpoints: number[]): void {
  console.log(`\nvariants compared run by run (same instance, seed and checkpoint); ratio = distance / ${variants[0]}'s`);
  console.log(`${'variant'.padEnd(14)}${checkpoints.map((c) => `${c}s mean gap % | ratio | fewer/more veh`.padStart(40)).join('')}`);
  const key = (r: InstanceResult): string => `${r.instance}#${r.seed}`;
  const base = new Map(results.filter((r) => r.variant === variants[0]).map((r) => [key(r), r]));
  for (const v of variants) {
    const rs = results.filter((r) => r.variant === v);
    const cells = checkpoints.map((_, k) => {
      const gaps = rs.map((r) => r.curve?.[k]?.gapPct).filter((g): g is number => g != null);
      const ratios: number[] = [];
      let fewer = 0;
      let more = 0;
      for (const r of rs) {
        const b = base.get(key(r))?.curve?.[k];
        const c = r.curve?.[k];
        if (!b || !c || b.distance == null || c.distance == null) continue;
        if (c.vehicles != null && b.vehicles != null && c.vehicles !== b.vehicles) {
          if (c.vehicles < b.vehicles) fewer++;
          else more++;
          continue;
        }
        ratios.push(c.distance / b.distance);
      }
      const mean = (xs: number[]): string => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4) : '-');
      const g = gaps.length ? r2(gaps.reduce((a, b) => a + b, 0) / gaps.length) : '-';
      return `${g} | ${mean(ratios)} | ${fewer}/${more}`.padStart(40);
    });
    console.log(`${v.padEnd(14)}${cells.join('')}`);
  }
}

await main();
