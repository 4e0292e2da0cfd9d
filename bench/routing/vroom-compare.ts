import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { checkedRoutes, checkSolution } from '../../domain/routing/checker.js';
import { cvrpToProblem, parseCvrplib } from '../../domain/routing/instances/cvrplib.js';
import { parseSolomon, solomonToProblem } from '../../domain/routing/instances/solomon.js';
import { routingProblemSchema } from '../../domain/routing/routing.schemas.js';
import { solve } from '../../domain/routing/solver.js';

/**
 * Same-run comparison against VROOM (a binary you built yourself beside the project; none of its
 * code is in this repository):
 *   npx tsx bench/routing/vroom-compare.ts --vroom <path to vroom> --instances <files or dirs> [--seeds 1,2] [--threads 2]
 *     [--clock cpu] [--time-limits 1,2,5,10,30]
 * For each instance and seed, VROOM runs first (`-t <threads> -x 5`, its wall time W), then Dockside
 * with a time limit of W on one thread. With `--clock cpu`, Dockside gets instead the CPU time VROOM
 * used (user + system of all its threads, from the kernel's count for waited-for children) as
 * CPU seconds of its solving thread: the same compute for both, whatever else the machine runs, so
 * a loaded machine gives the comparison an idle one would (VROOM's threads share that total). Both solutions go through the independent checker on the
 * real instance. X instances: TSPLIB-rounded distances are integers already; Solomon: VROOM needs
 * integers, so times and distances are scaled by 100 and windows rounded inwards, and it gets a
 * fixed cost per vehicle so that it minimises vehicles first, like the hierarchical convention.
 * With `--time-limits`, the anytime curve instead: for each limit T, VROOM runs with `-l T` (its own
 * wall-clock stop, which it may overrun while it builds its first solutions) and Dockside with the
 * wall time VROOM took, or with `--clock cpu` the CPU seconds VROOM used, as above; the summary is
 * then given per limit.
 * One JSON line per run, then the mean gap of each and how many runs each won.
 */
const SCALE = 100;
const VEHICLE_FIXED = 10_000_000;

type Args = { vroom: string; files: string[]; seeds: number[]; threads: number; clock: 'wall' | 'cpu'; limits: (number | null)[] };

function args(argv: string[]): Args {
  let vroom = process.env.VROOM_BIN ?? '';
  const files: string[] = [];
  let seeds = [1];
  let threads = 2;
  let clock: Args['clock'] = 'wall';
  let limits: (number | null)[] = [null];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vroom') vroom = argv[++i];
    else if (argv[i] === '--seeds') seeds = argv[++i].split(',').map(Number);
    else if (argv[i] === '--threads') threads = Number(argv[++i]);
    else if (argv[i] === '--clock') clock = argv[++i] === 'cpu' ? 'cpu' : 'wall';
    else if (argv[i] === '--time-limits') limits = argv[++i].split(',').map(Number);
    else if (argv[i] === '--instances') while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) files.push(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!vroom) throw new Error('--vroom <path> (or VROOM_BIN) is required');
  const expanded = files.flatMap((f) =>
    statSync(f).isDirectory()
      ? readdirSync(f)
          .filter((x) => /\.(vrp|txt)$/i.test(x))
          .sort()
          .map((x) => join(f, x))
      : [f],
  );
  return { vroom: resolve(vroom), files: expanded, seeds, threads, clock, limits };
}

/** CPU seconds (user + system) of this process's waited-for children so far: fields 16–17 of /proc/self/stat (Linux). */
function childrenCpuS(ticksPerS: number): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / ticksPerS;
}

/** One run, as the summary needs it: distances compare only at equal vehicle counts (vehicles first). */
type Row = { cls: 'X' | 'Solomon'; limitS: number | null; bksVehicles: number | null; vroom: Side; dockside: Side };
type Side = { gapPct: number; vehicles: number };

type Bks = { bks?: number; routes?: number; bks_hierarchical?: { vehicles: number; distance: number } };

function main(): void {
  const o = args(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'vroom-compare-'));
  const rows: Row[] = [];
  const ticksPerS = o.clock === 'cpu' ? Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) : 0;
  for (const file of o.files) {
    const name = basename(file, extname(file));
    const isVrp = extname(file).toLowerCase() === '.vrp';
    const text = readFileSync(file, 'utf8');
    const raw = isVrp ? cvrpToProblem(parseCvrplib(text)) : solomonToProblem(parseSolomon(text), 'hierarchical');
    const p = routingProblemSchema.parse(raw);
    const entry = (JSON.parse(readFileSync(join(dirname(file), 'bks.json'), 'utf8')) as Record<string, Bks>)[name];
    const bks = isVrp ? entry?.bks : entry?.bks_hierarchical?.distance;
    if (!bks) continue;
    const n = p.matrix.n;
    const sc = isVrp ? 1 : SCALE;
    const durations: number[][] = [];
    for (let i = 0; i < n; i++) durations.push(Array.from({ length: n }, (_, j) => Math.round(p.matrix.durationS[i * n + j] * sc)));
    // X instances list one vehicle per customer: VROOM gets the BKS route count + 5, plenty and faster.
    const nv = isVrp && entry?.routes ? Math.min(p.vehicles.length, entry.routes + 5) : p.vehicles.length;
    const input = {
      vehicles: p.vehicles.slice(0, nv).map((v, k) => ({
        id: k,
        profile: 'car',
        start_index: v.startIndex,
        end_index: v.endIndex,
        capacity: [Math.round(v.capacityWeightG)],
        ...(isVrp
          ? {}
          : { time_window: [Math.round(v.shiftStartS * SCALE), Math.floor(v.shiftEndS * SCALE)], costs: { fixed: VEHICLE_FIXED } }),
      })),
      jobs: p.jobs.map((j, k) => ({
        id: k,
        location_index: j.locationIndex,
        delivery: [Math.round(j.weightG)],
        service: Math.round(j.serviceS * sc),
        ...(j.timeWindow ? { time_windows: [[Math.ceil(j.timeWindow.startS * SCALE), Math.floor(j.timeWindow.endS * SCALE)]] } : {}),
      })),
      matrices: { car: { durations } },
    };
    const inFile = join(work, `${name}.json`);
    writeFileSync(inFile, JSON.stringify(input));
    for (const limitS of o.limits)
      for (const seed of o.seeds) {
        const t0 = performance.now();
        const cpu0 = o.clock === 'cpu' ? childrenCpuS(ticksPerS) : 0;
        const out = JSON.parse(
          execFileSync(o.vroom, ['-i', inFile, '-t', String(o.threads), '-x', '5', ...(limitS === null ? [] : ['-l', String(limitS)])], {
            maxBuffer: 1 << 28,
          }).toString(),
        ) as { routes: { vehicle: number; steps: { type: string; id?: number }[] }[]; summary: { unassigned: number } };
        const W = (performance.now() - t0) / 1000;
        const vroomCpuS = o.clock === 'cpu' ? childrenCpuS(ticksPerS) - cpu0 : null;
        const vRoutes = out.routes.map((r) => ({
          vehicleIndex: r.vehicle,
          jobs: r.steps.filter((s) => s.type === 'job').map((s) => s.id!),
        }));
        const vc = checkSolution(p, vRoutes);
        const sol =
          vroomCpuS === null
            ? solve(p, { seed, timeLimitS: W })
            : solve(p, { seed, timeLimitS: Math.max(0.05, vroomCpuS), clock: 'thread-cpu' });
        const dc = checkSolution(p, checkedRoutes(sol));
        const dist = (d: number) => (isVrp ? Math.round(d) : Math.round(d * 100) / 100);
        const gap = (d: number) => Math.round(((dist(d) - bks) / bks) * 1e4) / 100;
        const line = {
          instance: name,
          seed,
          ...(limitS === null ? {} : { limitS }),
          timeS: Math.round(W * 100) / 100,
          ...(vroomCpuS === null ? {} : { vroomCpuS: Math.round(vroomCpuS * 100) / 100, docksideClock: 'thread-cpu' }),
          bks,
          bksVehicles: entry?.bks_hierarchical?.vehicles ?? null,
          vroom: { distance: dist(vc.distanceM), gapPct: gap(vc.distanceM), vehicles: vc.vehiclesUsed, feasible: vc.feasible },
          dockside: {
            distance: dist(dc.distanceM),
            gapPct: gap(dc.distanceM),
            vehicles: dc.vehiclesUsed,
            feasible: dc.feasible && sol.unassigned.length === 0,
          },
        };
        console.log(JSON.stringify(line));
        rows.push({ cls: isVrp ? 'X' : 'Solomon', limitS, bksVehicles: line.bksVehicles, vroom: line.vroom, dockside: line.dockside });
      }
  }
  for (const limitS of o.limits)
    for (const cls of ['X', 'Solomon'] as const) {
      const rs = rows.filter((r) => r.cls === cls && r.limitS === limitS);
      if (rs.length) console.log(`${limitS === null ? '' : `-l ${limitS}: `}${summary(cls, rs)}`);
    }
}

const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : NaN);
/** X: distance alone (CVRP); Solomon: vehicles first, then distance (the hierarchical objective). */
const better = (cls: Row['cls'], a: Side, b: Side) =>
  cls === 'X' ? a.gapPct < b.gapPct : a.vehicles < b.vehicles || (a.vehicles === b.vehicles && a.gapPct < b.gapPct);

function summary(cls: Row['cls'], rs: Row[]): string {
  const wins = rs.filter((r) => better(cls, r.dockside, r.vroom)).length;
  const losses = rs.filter((r) => better(cls, r.vroom, r.dockside)).length;
  const head = `summary ${cls}: runs ${rs.length}, Dockside better in ${wins}, tied ${rs.length - wins - losses}, worse in ${losses}`;
  if (cls === 'X')
    return `${head}; mean gap % VROOM ${mean(rs.map((r) => r.vroom.gapPct))} Dockside ${mean(rs.map((r) => r.dockside.gapPct))}`;
  // A distance gap means something only at the best-known vehicle count; a run with more vehicles is counted apart.
  const atBks = (s: 'vroom' | 'dockside') => rs.filter((r) => r[s].vehicles === r.bksVehicles);
  const side = (s: 'vroom' | 'dockside') =>
    `${s === 'vroom' ? 'VROOM' : 'Dockside'} at the best-known vehicle count in ${atBks(s).length}/${rs.length}, mean gap there ${mean(atBks(s).map((r) => r[s].gapPct))} %`;
  return `${head}; ${side('vroom')}; ${side('dockside')}`;
}

main();
