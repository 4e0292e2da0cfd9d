/**
 * Warehouse model for pick-path routing (Roodbergen & de Koster 2001 layout): parallel aisles
 * that run the full depth of the warehouse, crossed at right angles by cross aisles that run its
 * full width. Cross aisles split every aisle into subaisles; one row of subaisles is a block.
 * Travel is rectilinear along aisle centre lines and cross-aisle lines (cross-aisle width is not
 * modelled); a pick lies on its aisle's centre line, so picking from either rack face costs the same.
 */

export interface WarehouseLayout {
  /** Centre-line x of every aisle, strictly ascending (mm). */
  readonly aislesXMm: readonly number[];
  /** y of every cross aisle, strictly ascending (mm): [0] is the front (depot side), the last is the back. */
  readonly crossAislesYMm: readonly number[];
}

/** A pick location: an aisle index into `aislesXMm` and a position along it. */
export interface PickLocation {
  readonly aisle: number;
  readonly yMm: number;
}

/** The depot (where tours start and end): any point on a cross aisle, or inside an aisle. */
export interface DepotLocation {
  readonly xMm: number;
  readonly yMm: number;
}

/** A point of the warehouse graph with what the metric needs to know about it. */
export interface GraphPoint {
  readonly xMm: number;
  readonly yMm: number;
  /** Aisle index, or -1 for a point on a cross aisle away from every aisle (e.g. a depot). */
  readonly aisle: number;
  /** Cross aisles by which the point can leave its subaisle: two, or one when it lies on a cross aisle. */
  readonly exits: readonly number[];
  /** The block whose subaisle holds the point (a point on an inner cross aisle belongs to the block above). */
  readonly block: number;
}

/** Number of blocks (rows of subaisles) of a layout. */
export function blockCount(layout: WarehouseLayout): number {
  return layout.crossAislesYMm.length - 1;
}

/** Throws a RangeError unless the layout is well formed. */
export function validateLayout(layout: WarehouseLayout): void {
  const xs = layout.aislesXMm;
  const ys = layout.crossAislesYMm;
  if (xs.length < 1) throw new RangeError('layout needs at least one aisle');
  if (ys.length < 2) throw new RangeError('layout needs a front and a back cross aisle');
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) throw new RangeError('aislesXMm must be strictly ascending');
  for (let i = 1; i < ys.length; i++) if (!(ys[i] > ys[i - 1])) throw new RangeError('crossAislesYMm must be strictly ascending');
  for (const v of [...xs, ...ys]) if (!Number.isFinite(v)) throw new RangeError('layout coordinates must be finite');
}

function crossIndexAt(ys: readonly number[], yMm: number): number {
  return ys.indexOf(yMm);
}

function blockOf(ys: readonly number[], yMm: number): number {
  // Last block whose lower cross aisle is at or below y; inner cross-aisle points belong to the block above.
  let b = 0;
  while (b + 1 < ys.length - 1 && ys[b + 1] <= yMm) b++;
  return b;
}

/** The graph point of a pick; throws a RangeError when it lies outside the layout. */
export function pickPoint(layout: WarehouseLayout, pick: PickLocation): GraphPoint {
  const ys = layout.crossAislesYMm;
  if (!Number.isInteger(pick.aisle) || pick.aisle < 0 || pick.aisle >= layout.aislesXMm.length) {
    throw new RangeError(`pick aisle ${pick.aisle} is not an aisle of the layout`);
  }
  if (!(pick.yMm >= ys[0] && pick.yMm <= ys[ys.length - 1])) {
    throw new RangeError(`pick y ${pick.yMm} lies outside the cross aisles ${ys[0]}..${ys[ys.length - 1]}`);
  }
  const k = crossIndexAt(ys, pick.yMm);
  const block = blockOf(ys, pick.yMm);
  return { xMm: layout.aislesXMm[pick.aisle], yMm: pick.yMm, aisle: pick.aisle, exits: k >= 0 ? [k] : [block, block + 1], block };
}

/**
 * The graph point of the depot. A depot on an aisle's centre line stays where it is; any other
 * depot is moved along y onto the nearest cross aisle (cross aisles are assumed to reach it).
 */
export function depotPoint(layout: WarehouseLayout, depot: DepotLocation): GraphPoint {
  const ys = layout.crossAislesYMm;
  const aisle = layout.aislesXMm.indexOf(depot.xMm);
  const yInside = Math.min(Math.max(depot.yMm, ys[0]), ys[ys.length - 1]);
  if (aisle >= 0) return pickPoint(layout, { aisle, yMm: yInside });
  let k = 0;
  for (let i = 1; i < ys.length; i++) if (Math.abs(ys[i] - depot.yMm) < Math.abs(ys[k] - depot.yMm)) k = i;
  return { xMm: depot.xMm, yMm: ys[k], aisle: -1, exits: [k], block: Math.min(k, ys.length - 2) };
}

/** The point where aisle `aisle` meets cross aisle `cross`. */
export function crossPoint(layout: WarehouseLayout, aisle: number, cross: number): GraphPoint {
  const ys = layout.crossAislesYMm;
  return { xMm: layout.aislesXMm[aisle], yMm: ys[cross], aisle, exits: [cross], block: Math.min(cross, ys.length - 2) };
}

/** A short stable hash of the layout geometry (FNV-1a over its coordinates), used as a cache key. */
export function layoutHash(layout: WarehouseLayout): string {
  const text = `${layout.aislesXMm.join(',')}|${layout.crossAislesYMm.join(',')}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${h.toString(16)}-${layout.aislesXMm.length}x${layout.crossAislesYMm.length}`;
}

/** A key identifying a point's position, for merging picks at the same place. */
export function pointKey(p: GraphPoint): string {
  return `${p.aisle}:${p.xMm}:${p.yMm}`;
}
