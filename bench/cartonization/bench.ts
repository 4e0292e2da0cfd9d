/**
 * Cartonization benchmark on the in-repo orders (or those given with --instances): our cartonize()
 * against the volume lower bounds and against the npm package binpackingjs run in the same
 * command with the same box-choice rule; both results go through the same validator.
 */
import { performance } from 'node:perf_hooks';
import { figure, type Benchmark, type Figure } from '../lib/figure.js';
import { cartonize, validatePacking } from '../../domain/packing/cartonize/index.js';
import type { BoxType, CartonizeResult, PackItem, ViolationKind } from '../../domain/packing/cartonize/index.js';
import { cartonizeWithBinpackingjs } from './binpackingjs-baseline.js';
import { loadInstances, type BenchOrder } from './data.js';
import { pairwiseIncompatibleCount } from './pair-bound.js';

const BENCH = 'cartonization';
const SUPPORT_RATIO = 0.5;

const boxVolume = (b: BoxType) => b.innerLengthMm * b.innerWidthMm * b.innerHeightMm;
const itemVolume = (i: PackItem) => i.lengthMm * i.widthMm * i.heightMm;

export interface SolverTotals {
  boxes: number;
  boxVolumeMm3: number;
  itemVolumeMm3: number;
  fillRates: number[];
  unpackedUnits: number;
  violations: Map<ViolationKind, number>;
  /** Items above the floor with less than SUPPORT_RATIO of their base carried (reported, not a hard rule for the package). */
  unsupported: number;
  durationMs: number;
  ordersOneBox: number;
}

function emptyTotals(): SolverTotals {
  return {
    boxes: 0,
    boxVolumeMm3: 0,
    itemVolumeMm3: 0,
    fillRates: [],
    unpackedUnits: 0,
    violations: new Map(),
    unsupported: 0,
    durationMs: 0,
    ordersOneBox: 0,
  };
}

function account(t: SolverTotals, result: CartonizeResult, order: BenchOrder, boxes: BoxType[], durationMs: number): void {
  const byId = new Map(boxes.map((b) => [b.boxId, b]));
  t.durationMs += durationMs;
  t.boxes += result.cartons.length;
  if (result.cartons.length === 1) t.ordersOneBox++;
  t.unpackedUnits += result.unpacked.length;
  for (const c of result.cartons) {
    t.boxVolumeMm3 += boxVolume(byId.get(c.boxId)!);
    t.itemVolumeMm3 += c.items.reduce((s, p) => s + p.lengthMm * p.widthMm * p.heightMm, 0);
    t.fillRates.push(c.fillRate);
  }
  for (const v of validatePacking(result, order.items, boxes).violations) t.violations.set(v.kind, (t.violations.get(v.kind) ?? 0) + 1);
  for (const v of validatePacking(result, order.items, boxes, { minSupportRatio: SUPPORT_RATIO }).violations)
    if (v.kind === 'unsupported') t.unsupported++;
}

/** Lower bounds over the units that fit some box alone (both solvers must leave the others out). */
function lowerBounds(
  order: BenchOrder,
  boxes: BoxType[],
): { boxesVolumeLb: number; boxesLb: number; volumeLbMm3: number; singleLbMm3: number | null; packable: PackItem[] } {
  const fitsAlone = (i: PackItem, b: BoxType) => {
    const s = [i.lengthMm, i.widthMm, i.heightMm].sort((p, q) => q - p);
    const d = [b.innerLengthMm, b.innerWidthMm, b.innerHeightMm].sort((p, q) => q - p);
    return s[0]! <= d[0]! && s[1]! <= d[1]! && s[2]! <= d[2]! && i.weightG + b.tareG <= b.maxWeightG;
  };
  const packable = order.items.filter((i) => boxes.some((b) => fitsAlone(i, b)));
  if (packable.length === 0) return { boxesVolumeLb: 0, boxesLb: 0, volumeLbMm3: 0, singleLbMm3: null, packable };
  const vol = packable.reduce((s, i) => s + itemVolume(i), 0);
  const weightG = packable.reduce((s, i) => s + i.weightG, 0);
  const maxVol = Math.max(...boxes.map(boxVolume));
  const maxPayloadG = Math.max(...boxes.map((b) => b.maxWeightG - b.tareG));
  const boxesVolumeLb = Math.ceil(vol / maxVol);
  const boxesLb = Math.max(boxesVolumeLb, Math.ceil(weightG / maxPayloadG), pairwiseIncompatibleCount(packable, boxes));
  // Shipped volume of the lexicographic optimum: at least the item volume. When one box might do,
  // the optimum is either one box passing the necessary checks, or (if none truly holds the order)
  // two or more boxes, which take at least the two smallest catalogue volumes.
  const single = boxes
    .filter((b) => boxVolume(b) >= vol && weightG + b.tareG <= b.maxWeightG && packable.every((i) => fitsAlone(i, b)))
    .map(boxVolume);
  const volumes = boxes.map(boxVolume).sort((p, q) => p - q);
  const multiLb = Math.max(vol, volumes[0]! + (volumes[1] ?? volumes[0]!));
  const volumeLbMm3 = boxesLb === 1 && single.length > 0 ? Math.min(Math.min(...single), multiLb) : vol;
  return { boxesVolumeLb, boxesLb, volumeLbMm3, singleLbMm3: single.length > 0 ? Math.min(...single) : null, packable };
}

export interface CartonizationRun {
  figures: Figure[];
  ours: SolverTotals;
  theirs: SolverTotals;
  orders: number;
  units: number;
  /** Per order, both results (only when asked for: they are large). */
  perOrder?: { orderId: string; ours: CartonizeResult; binpackingjs: CartonizeResult }[];
}

/** Runs both solvers over the orders (all, or the first 100 when quick) and builds the figures. */
export function runCartonization(opts: { quick?: boolean; keepResults?: boolean; instances?: string[] } = {}): CartonizationRun {
  const { boxes, orders: all } = opts.instances?.length ? loadInstances(opts.instances) : loadInstances();
  const orders = opts.quick ? all.slice(0, 100) : all;
  const ours = emptyTotals();
  const theirs = emptyTotals();
  const perOrder: NonNullable<CartonizationRun['perOrder']> = [];
  let boxesVolumeLb = 0,
    boxesLb = 0,
    volumeLbMm3 = 0,
    units = 0,
    packableUnits = 0,
    oursBoxesAtLb = 0,
    oursFewer = 0,
    theirsFewer = 0,
    oneBoxOrders = 0,
    oneBoxOursMm3 = 0,
    oneBoxLbMm3 = 0;
  for (const order of orders) {
    units += order.items.length;
    const lb = lowerBounds(order, boxes);
    boxesVolumeLb += lb.boxesVolumeLb;
    boxesLb += lb.boxesLb;
    volumeLbMm3 += lb.volumeLbMm3;
    packableUnits += lb.packable.length;

    let t0 = performance.now();
    const a = cartonize(order.items, boxes, { minSupportRatio: SUPPORT_RATIO });
    account(ours, a, order, boxes, performance.now() - t0);
    t0 = performance.now();
    const b = cartonizeWithBinpackingjs(order.items, boxes);
    account(theirs, b, order, boxes, performance.now() - t0);
    if (opts.keepResults) perOrder.push({ orderId: order.id, ours: a, binpackingjs: b });
    if (a.cartons.length === lb.boxesLb) oursBoxesAtLb++;
    if (a.cartons.length === 1 && lb.singleLbMm3 !== null) {
      oneBoxOrders++;
      oneBoxOursMm3 += boxVolume(boxes.find((x) => x.boxId === a.cartons[0]!.boxId)!);
      oneBoxLbMm3 += lb.singleLbMm3;
    }
    if (a.cartons.length < b.cartons.length) oursFewer++;
    if (b.cartons.length < a.cartons.length) theirsFewer++;
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  const violations = (t: SolverTotals) => [...t.violations.values()].reduce((s, n) => s + n, 0);
  const m3 = (mm3: number) => mm3 / 1e9;
  const figures: Figure[] = [
    figure(
      BENCH,
      'boxes used (ours) vs volume lower bound',
      ours.boxes,
      'boxes',
      boxesVolumeLb,
      'sum over orders of ceil(item volume / largest box volume)',
    ),
    figure(
      BENCH,
      'boxes used (ours) vs combined lower bound',
      ours.boxes,
      'boxes',
      boxesLb,
      'sum over orders of max(volume bound, ceil(weight / largest payload), items pairwise unable to share a box)',
    ),
    figure(BENCH, 'boxes used (ours) vs binpackingjs', ours.boxes, 'boxes', theirs.boxes, 'binpackingjs 4.1.0, same box-choice rule'),
    figure(
      BENCH,
      'total box volume (ours) vs min-volume lower bound',
      m3(ours.boxVolumeMm3),
      'm3',
      m3(volumeLbMm3),
      'per order: min(smallest box passing volume/weight/size checks, two-box bound) if one box may do, else item volume',
    ),
    figure(
      BENCH,
      `box volume on the ${oneBoxOrders} orders ours ships in one box vs smallest box passing the checks`,
      m3(oneBoxOursMm3),
      'm3',
      m3(oneBoxLbMm3),
      'per order: smallest box with enough volume, payload and room for each item alone',
    ),
    figure(
      BENCH,
      'total box volume (ours) vs binpackingjs',
      m3(ours.boxVolumeMm3),
      'm3',
      m3(theirs.boxVolumeMm3),
      'binpackingjs 4.1.0, same box-choice rule',
    ),
    figure(
      BENCH,
      'mean carton fill rate (ours) vs binpackingjs',
      mean(ours.fillRates),
      'ratio',
      mean(theirs.fillRates),
      'binpackingjs 4.1.0',
    ),
    figure(
      BENCH,
      'overall fill rate (item volume / box volume, ours) vs binpackingjs',
      ours.itemVolumeMm3 / ours.boxVolumeMm3,
      'ratio',
      theirs.itemVolumeMm3 / theirs.boxVolumeMm3,
      'binpackingjs 4.1.0',
    ),
    figure(BENCH, 'units left unpacked (ours) vs binpackingjs', ours.unpackedUnits, 'units', theirs.unpackedUnits, 'binpackingjs 4.1.0'),
    figure(BENCH, 'units that fit no box alone', units - packableUnits, 'units', units, 'all units'),
    figure(BENCH, 'orders at the box lower bound (ours)', oursBoxesAtLb, 'orders', orders.length, 'orders'),
    figure(BENCH, 'orders where ours uses fewer boxes than binpackingjs', oursFewer, 'orders', orders.length, 'all orders'),
    figure(BENCH, 'orders where binpackingjs uses fewer boxes than ours', theirsFewer, 'orders', orders.length, 'all orders'),
    figure(BENCH, 'validator violations (ours)', violations(ours), 'violations', units, 'units checked'),
    figure(BENCH, 'validator violations (binpackingjs)', violations(theirs), 'violations', units, 'units checked'),
    figure(
      BENCH,
      `items with < ${SUPPORT_RATIO * 100}% base support (ours) vs binpackingjs`,
      ours.unsupported,
      'items',
      theirs.unsupported,
      'binpackingjs 4.1.0 (enforces no support rule)',
    ),
    figure(BENCH, 'solve time, all orders (ours) vs binpackingjs', ours.durationMs, 'ms', theirs.durationMs, 'binpackingjs 4.1.0'),
  ];
  return { figures, ours, theirs, orders: orders.length, units, ...(opts.keepResults ? { perOrder } : {}) };
}

const bench: Benchmark = {
  name: BENCH,
  budgetS: 60,
  async run(opts) {
    return runCartonization(opts).figures;
  },
};
export default bench;
