import { readdirSync, statSync } from 'node:fs';
import { join, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runInstance, type InstanceResult, type RunOptions } from './run-instance.js';

/**
 * npm run bench:routing -- --instances <files or dirs> --time-limit <s> --seed <n> --json
 *   [--solutions <dir>] [--parallel 2] [--solomon hierarchical|distance]
 * One JSON line per instance, then a summary line.
 */

function parseArgs(argv: string[]): { files: string[]; opts: RunOptions; json: boolean; parallel: number } {
  const files: string[] = [];
  const opts: RunOptions = { timeLimitS: 30, seed: 1, solomon: 'hierarchical' };
  let json = false;
  let parallel = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--instances') {
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) files.push(...argv[++i].split(',').filter(Boolean));
    } else if (a === '--time-limit') opts.timeLimitS = Number(argv[++i]);
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else if (a === '--solutions') opts.solutionsDir = argv[++i];
    else if (a === '--parallel') parallel = Math.max(1, Number(argv[++i]));
    else if (a === '--solomon') opts.solomon = argv[++i] === 'distance' ? 'distance' : 'hierarchical';
    else if (a === '--json') json = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (files.length === 0) files.push(fileURLToPath(new URL('../data/routing', import.meta.url)));
  return { files: expand(files), opts, json, parallel };
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

async function runParallel(files: string[], opts: RunOptions, n: number, onResult: (r: InstanceResult) => void): Promise<void> {
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
            const w = new Worker(boot, { eval: true, workerData: { files: shard, opts } });
            w.on('message', onResult);
            w.on('error', fail);
            w.on('exit', () => done());
          }),
      ),
  );
}

async function main(): Promise<void> {
  const { files, opts, json, parallel } = parseArgs(process.argv.slice(2));
  const results: InstanceResult[] = [];
  const print = (r: InstanceResult): void => {
    results.push(r);
    if (json) console.log(JSON.stringify(r));
    else
      console.log(
        `${r.instance.padEnd(12)} cost ${r.cost} bks ${r.bks ?? '-'} gap ${r.gapPct ?? '-'}% time ${r.timeS}s vehicles ${r.vehicles}${r.bksVehicles != null ? `/${r.bksVehicles}` : ''} feasible ${r.feasible}`,
      );
  };
  if (parallel > 1) await runParallel(files, opts, parallel, print);
  else for (const f of files) print(runInstance(f, opts));
  const stats = (rs: InstanceResult[]) => {
    const gaps = rs.map((r) => r.gapPct).filter((g): g is number => g !== null);
    return {
      instances: rs.length,
      feasible: rs.filter((r) => r.feasible).length,
      meanGapPct: gaps.length ? Math.round((gaps.reduce((a, b) => a + b, 0) / gaps.length) * 100) / 100 : null,
      maxGapPct: gaps.length ? Math.max(...gaps) : null,
    };
  };
  const cvrp = results.filter((r) => r.convention === undefined);
  const vrptw = results.filter((r) => r.convention !== undefined);
  const summary = {
    summary: true,
    ...stats(results),
    cvrp: stats(cvrp),
    // Solomon: how many instances use more vehicles than the BKS, and the worst excess.
    vrptw: {
      ...stats(vrptw),
      overBksVehicles: vrptw.filter((r) => r.bksVehicles != null && r.vehicles > r.bksVehicles).length,
      maxExtraVehicles: vrptw.length ? Math.max(...vrptw.map((r) => r.vehicles - (r.bksVehicles ?? r.vehicles))) : null,
    },
    timeLimitS: opts.timeLimitS,
    seed: opts.seed,
  };
  console.log(json ? JSON.stringify(summary) : `summary: ${JSON.stringify(summary)}`);
}

await main();
