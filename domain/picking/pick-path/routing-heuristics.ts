/**
 * Classic order-picker routing heuristics, used as baselines and as constructions:
 * return, S-shape (traversal), midpoint, largest gap (Hall 1993, "Distance approximations for
 * routing manual pickers in a warehouse", IIE Transactions 25(4)) and combined (Roodbergen &
 * de Koster 2001, "Routing order pickers in a warehouse with a middle aisle", EJOR 133), with the
 * multi-block generalisations of S-shape, largest gap and combined from Roodbergen & de Koster
 * (2001), "Routing methods for warehouses with multiple cross aisles", IJPR 39(9):1865-1883.
 *
 * Multi-block frame: walk from the depot to the front of the left-most pick aisle and up it to the
 * farthest block that holds picks (its front cross aisle for S-shape/combined, its back cross aisle
 * for largest gap/midpoint), picking on the way; then handle the blocks one by one back towards the
 * depot, each time starting at the end of the block's pick subaisles nearest to the picker and
 * leaving the block by its front cross aisle. On one block these reduce to the textbook single-
 * block heuristics. Lengths are literal route lengths (each heuristic walks its own way).
 *
 * Depot between aisles: midpoint and largest gap serve the front parts of the pick aisles that lie
 * between the left-most pick aisle and the depot on the way out, so the route comes back to the
 * depot along the front cross aisle without walking past it and back (Roodbergen & de Koster's
 * convention: the front cross aisle is walked once on each side of the depot).
 */
import { blockCount, crossPoint } from './layout.js';
import type { GraphPoint, WarehouseLayout } from './layout.js';
import { Walk } from './walk.js';

export type HeuristicName = 'return' | 's-shape' | 'midpoint' | 'largest-gap' | 'combined';

export interface HeuristicRoute {
  /** Pick indices in visit order. */
  order: number[];
  /** Literal route length of the heuristic, depot to depot. */
  lengthMm: number;
}

type Side = 'lower' | 'upper';

interface Ctx {
  layout: WarehouseLayout;
  picks: readonly GraphPoint[];
  /** Subaisle (aisle, block) -> pick indices ascending in y. */
  sub: Map<number, number[]>;
  walk: Walk;
}

const subKey = (aisle: number, block: number) => aisle * 4096 + block;

function groupSubaisles(picks: readonly GraphPoint[]): Map<number, number[]> {
  const sub = new Map<number, number[]>();
  picks.forEach((p, i) => {
    const k = subKey(p.aisle, p.block);
    const list = sub.get(k);
    if (list) list.push(i);
    else sub.set(k, [i]);
  });
  for (const list of sub.values()) list.sort((a, b) => picks[a].yMm - picks[b].yMm || a - b);
  return sub;
}

/** The subaisle's picks not yet visited, ascending in y. */
function ys(ctx: Ctx, aisle: number, block: number): number[] {
  const list = ctx.sub.get(subKey(aisle, block)) ?? [];
  return ctx.walk.visited.size === 0 ? list : list.filter((i) => !ctx.walk.visited.has(i));
}

function traverse(ctx: Ctx, aisle: number, block: number, up: boolean): void {
  const list = ys(ctx, aisle, block);
  ctx.walk.to(crossPoint(ctx.layout, aisle, up ? block : block + 1));
  const seq = up ? list : [...list].reverse();
  for (const i of seq) ctx.walk.pick(i, ctx.picks[i]);
  ctx.walk.to(crossPoint(ctx.layout, aisle, up ? block + 1 : block));
}

function returnFrom(ctx: Ctx, aisle: number, block: number, side: Side, list: readonly number[]): void {
  if (list.length === 0) return;
  const end = crossPoint(ctx.layout, aisle, side === 'lower' ? block : block + 1);
  ctx.walk.to(end);
  const seq = side === 'lower' ? list : [...list].reverse();
  for (const i of seq) ctx.walk.pick(i, ctx.picks[i]);
  ctx.walk.to(end);
}

/** Splits a subaisle's picks (ascending) into the part served from the front and from the back. */
type SplitRule = (ctx: Ctx, aisle: number, block: number, list: readonly number[]) => number;

const largestGapSplit: SplitRule = (ctx, _aisle, block, list) => {
  const y = ctx.layout.crossAislesYMm;
  // Gap g lies between list[g-1] and list[g] (g = 0: front to first pick; g = n: last pick to back).
  let bestG = 0;
  let bestGap = -1;
  for (let g = 0; g <= list.length; g++) {
    const lo = g === 0 ? y[block] : ctx.picks[list[g - 1]].yMm;
    const hi = g === list.length ? y[block + 1] : ctx.picks[list[g]].yMm;
    if (hi - lo > bestGap) {
      bestGap = hi - lo;
      bestG = g;
    }
  }
  return bestG;
};

const midpointSplit: SplitRule = (ctx, _aisle, block, list) => {
  const y = ctx.layout.crossAislesYMm;
  const mid = (y[block] + y[block + 1]) / 2;
  let g = 0;
  while (g < list.length && ctx.picks[list[g]].yMm <= mid) g++;
  return g;
};

/** Serves one block's pick subaisles (in sweep order) and returns the aisle where it leaves by the front. */
type BlockHandler = (ctx: Ctx, block: number, aisles: number[], entry: Side) => number;

const sShapeBlock: BlockHandler = (ctx, block, aisles, entry) => {
  let side = entry;
  aisles.forEach((a, i) => {
    if (i === aisles.length - 1 && side === 'lower') returnFrom(ctx, a, block, 'lower', ys(ctx, a, block));
    else {
      traverse(ctx, a, block, side === 'lower');
      side = side === 'lower' ? 'upper' : 'lower';
    }
  });
  return aisles[aisles.length - 1];
};

function splitBlock(rule: SplitRule): BlockHandler {
  return (ctx, block, aisles) => {
    // Entered from the back: sweep out along the back, come down the far subaisle, sweep back along the front.
    const m = aisles.length;
    const splits = aisles.map((a) => rule(ctx, a, block, ys(ctx, a, block)));
    for (let i = 0; i < m - 1; i++) returnFrom(ctx, aisles[i], block, 'upper', ys(ctx, aisles[i], block).slice(splits[i]));
    traverse(ctx, aisles[m - 1], block, false);
    for (let i = m - 2; i >= 0; i--) returnFrom(ctx, aisles[i], block, 'lower', ys(ctx, aisles[i], block).slice(0, splits[i]));
    return aisles[0];
  };
}

const combinedBlock: BlockHandler = (ctx, block, aisles, entry) => {
  // DP over the side the picker stands on after each subaisle: traverse it or return from the current side.
  const y = ctx.layout.crossAislesYMm;
  const len = y[block + 1] - y[block];
  const m = aisles.length;
  const cost: number[][] = Array.from({ length: m + 1 }, () => [Infinity, Infinity]); // [lower, upper]
  const choice: ('t' | 'r')[][] = Array.from({ length: m + 1 }, () => ['r', 'r']);
  cost[0][entry === 'lower' ? 0 : 1] = 0;
  for (let i = 0; i < m; i++) {
    const list = ys(ctx, aisles[i], block);
    const fromLower = 2 * (ctx.picks[list[list.length - 1]].yMm - y[block]);
    const fromUpper = 2 * (y[block + 1] - ctx.picks[list[0]].yMm);
    for (const s of [0, 1]) {
      if (cost[i][s] === Infinity) continue;
      const r = cost[i][s] + (s === 0 ? fromLower : fromUpper);
      if (r < cost[i + 1][s]) {
        cost[i + 1][s] = r;
        choice[i + 1][s] = 'r';
      }
      const t = cost[i][s] + len;
      if (t < cost[i + 1][1 - s]) {
        cost[i + 1][1 - s] = t;
        choice[i + 1][1 - s] = 't';
      }
    }
  }
  const plan: ('t' | 'r')[] = [];
  let s = 0; // must leave by the front (lower) cross aisle
  for (let i = m; i > 0; i--) {
    plan.push(choice[i][s]);
    if (choice[i][s] === 't') s = 1 - s;
  }
  plan.reverse();
  let side: Side = entry;
  aisles.forEach((a, i) => {
    if (plan[i] === 'r') returnFrom(ctx, a, block, side, ys(ctx, a, block));
    else {
      traverse(ctx, a, block, side === 'lower');
      side = side === 'lower' ? 'upper' : 'lower';
    }
  });
  return aisles[aisles.length - 1];
};

function runFrame(
  layout: WarehouseLayout,
  depot: GraphPoint,
  picks: readonly GraphPoint[],
  farthestEntry: Side,
  handler: BlockHandler,
  frontSplit?: SplitRule,
): HeuristicRoute {
  const walk = new Walk(layout, depot);
  if (picks.length === 0) return { order: [], lengthMm: 0 };
  const sub = groupSubaisles(picks);
  const ctx: Ctx = { layout, picks, sub, walk };
  const left = Math.min(...picks.map((p) => p.aisle));
  const farthest = Math.max(...picks.map((p) => p.block));
  const top = farthestEntry === 'lower' ? farthest : farthest + 1;
  const done = new Set<number>();
  if (frontSplit && depot.yMm === layout.crossAislesYMm[0]) {
    // Depot on the front cross aisle, right of the left-most pick aisle: on the way there, serve
    // from the front the part of each pick aisle in between that the split rule serves from the front.
    const between = [
      ...new Set(picks.filter((p) => p.block === 0 && p.aisle !== left && layout.aislesXMm[p.aisle] < depot.xMm).map((p) => p.aisle)),
    ];
    for (const a of between.sort((x, y) => y - x)) {
      const list = ys(ctx, a, 0);
      returnFrom(ctx, a, 0, 'lower', list.slice(0, frontSplit(ctx, a, 0, list)));
    }
  }
  walk.to(crossPoint(layout, left, 0));
  for (let b = 0; b < top; b++) {
    for (const i of ys(ctx, left, b)) walk.pick(i, picks[i]);
    done.add(subKey(left, b));
  }
  walk.to(crossPoint(layout, left, top));
  let cur = left;
  for (let b = farthest; b >= 0; b--) {
    const entry: Side = b === farthest ? farthestEntry : 'upper';
    let aisles = [...new Set(picks.filter((p) => p.block === b).map((p) => p.aisle))]
      .filter((a) => !done.has(subKey(a, b)) && ys(ctx, a, b).length > 0)
      .sort((x, y) => x - y);
    if (aisles.length === 0) {
      walk.to(crossPoint(layout, cur, b));
      continue;
    }
    const xs = layout.aislesXMm;
    if (Math.abs(xs[cur] - xs[aisles[aisles.length - 1]]) < Math.abs(xs[cur] - xs[aisles[0]])) aisles = aisles.reverse();
    cur = handler(ctx, b, aisles, entry);
  }
  walk.to(depot);
  return { order: walk.order, lengthMm: walk.lengthMm };
}

/** Return routing: every pick aisle entered and left from the front (single-block layouts). */
export function returnRoute(layout: WarehouseLayout, depot: GraphPoint, picks: readonly GraphPoint[]): HeuristicRoute {
  if (blockCount(layout) !== 1) throw new RangeError('return routing is defined for single-block layouts');
  const walk = new Walk(layout, depot);
  const sub = groupSubaisles(picks);
  const ctx: Ctx = { layout, picks, sub, walk };
  const aisles = [...new Set(picks.map((p) => p.aisle))].sort((a, b) => a - b);
  for (const a of aisles) returnFrom(ctx, a, 0, 'lower', ys(ctx, a, 0));
  walk.to(depot);
  return { order: walk.order, lengthMm: walk.lengthMm };
}

/** S-shape (traversal): every pick subaisle traversed entirely; an odd last one is entered and left from the front. */
export function sShapeRoute(layout: WarehouseLayout, depot: GraphPoint, picks: readonly GraphPoint[]): HeuristicRoute {
  return runFrame(layout, depot, picks, 'lower', sShapeBlock);
}

/** Largest gap: the outer pick subaisles traversed, the others served from both ends leaving out the largest gap. */
export function largestGapRoute(layout: WarehouseLayout, depot: GraphPoint, picks: readonly GraphPoint[]): HeuristicRoute {
  return runFrame(layout, depot, picks, 'upper', splitBlock(largestGapSplit), largestGapSplit);
}

/** Midpoint: like largest gap, but the split is always at the middle of the subaisle. */
export function midpointRoute(layout: WarehouseLayout, depot: GraphPoint, picks: readonly GraphPoint[]): HeuristicRoute {
  return runFrame(layout, depot, picks, 'upper', splitBlock(midpointSplit), midpointSplit);
}

/** Combined: per subaisle, traverse or return, chosen by a DP over the picker's side; never longer than S-shape. */
export function combinedRoute(layout: WarehouseLayout, depot: GraphPoint, picks: readonly GraphPoint[]): HeuristicRoute {
  return runFrame(layout, depot, picks, 'lower', combinedBlock);
}

/** The heuristics that apply to a layout: all five on one block, all but return on several. */
export function heuristicsFor(
  layout: WarehouseLayout,
): Record<string, (l: WarehouseLayout, d: GraphPoint, p: readonly GraphPoint[]) => HeuristicRoute> {
  const all = { 's-shape': sShapeRoute, 'largest-gap': largestGapRoute, midpoint: midpointRoute, combined: combinedRoute };
  return blockCount(layout) === 1 ? { return: returnRoute, ...all } : all;
}
