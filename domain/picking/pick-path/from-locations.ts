import { depotPoint, validateLayout } from './layout.js';
import type { DepotLocation, PickLocation, WarehouseLayout } from './layout.js';

/** A layout row as the server holds it: a location code with plan coordinates (mm). */
export interface LayoutLocationRow {
  code: string;
  xMm: number;
  yMm: number;
  /** Aisle label, when the layout has one (e.g. "A-03"). */
  aisle?: string;
}

export interface FromLocationsOptions {
  /** Cross-aisle y positions (ascending, front first). Default: one block from the lowest to the highest location y. */
  crossAislesYMm?: number[];
  /** Extra depth in front of the first / behind the last location when the cross aisles are derived. Default 0. */
  frontMarginMm?: number;
  backMarginMm?: number;
}

export interface LocationGraph {
  layout: WarehouseLayout;
  depot: DepotLocation;
  /** The pick location (aisle index, y) of every location code. */
  locations: Map<string, PickLocation>;
}

/**
 * Builds the routing model from layout rows. Assumptions (the usual block layout):
 * - an aisle is the group of locations sharing an `aisle` label, or, for unlabelled rows, sharing the
 *   same xMm; its centre line is the mean x of its locations (rack faces on both sides of an aisle
 *   share the label, and picking from either face costs no sideways move);
 * - y is the position along the aisle; aisles run in the y direction and span every block;
 * - cross aisles are given, or else there is one block from the lowest to the highest location y;
 * - groups whose centre lines coincide are one aisle.
 * Throws a RangeError for locations outside the cross aisles.
 */
export function fromLocations(rows: readonly LayoutLocationRow[], depot: DepotLocation, opts: FromLocationsOptions = {}): LocationGraph {
  if (rows.length === 0) throw new RangeError('fromLocations needs at least one location');
  const groups = new Map<string, LayoutLocationRow[]>();
  for (const row of rows) {
    const key = row.aisle !== undefined ? `label:${row.aisle}` : `x:${row.xMm}`;
    const g = groups.get(key);
    if (g) g.push(row);
    else groups.set(key, [row]);
  }
  const centreOf = new Map<string, number>();
  for (const [key, g] of groups) centreOf.set(key, Math.round(g.reduce((s, r) => s + r.xMm, 0) / g.length));
  const aislesXMm = [...new Set(centreOf.values())].sort((a, b) => a - b);
  const ys = rows.map((r) => r.yMm);
  const crossAislesYMm = opts.crossAislesYMm ?? [Math.min(...ys) - (opts.frontMarginMm ?? 0), Math.max(...ys) + (opts.backMarginMm ?? 0)];
  const layout: WarehouseLayout = {
    aislesXMm,
    // A one-location warehouse still needs a back cross aisle distinct from the front.
    crossAislesYMm:
      crossAislesYMm[crossAislesYMm.length - 1] > crossAislesYMm[0] ? crossAislesYMm : [crossAislesYMm[0], crossAislesYMm[0] + 1],
  };
  validateLayout(layout);
  const top = layout.crossAislesYMm[layout.crossAislesYMm.length - 1];
  const locations = new Map<string, PickLocation>();
  for (const [key, g] of groups) {
    const aisle = aislesXMm.indexOf(centreOf.get(key)!);
    for (const row of g) {
      if (row.yMm < layout.crossAislesYMm[0] || row.yMm > top) throw new RangeError(`location ${row.code} lies outside the cross aisles`);
      locations.set(row.code, { aisle, yMm: row.yMm });
    }
  }
  const dp = depotPoint(layout, depot);
  return { layout, depot: { xMm: dp.xMm, yMm: dp.yMm }, locations };
}
