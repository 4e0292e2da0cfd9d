import { depotPoint, pickPoint } from './layout.js';
import type { DepotLocation, PickLocation, WarehouseLayout } from './layout.js';
import { distanceMm } from './metric.js';

/** Length (mm) of walking depot -> picks in `order` -> depot along shortest paths; throws unless `order` is a permutation. */
export function routeLengthMm(
  layout: WarehouseLayout,
  picks: readonly PickLocation[],
  depot: DepotLocation,
  order: readonly number[],
): number {
  if (order.length !== picks.length || new Set(order).size !== picks.length || order.some((i) => !(i >= 0 && i < picks.length))) {
    throw new RangeError('order must visit every pick exactly once');
  }
  const d = depotPoint(layout, depot);
  let at = d;
  let sum = 0;
  for (const i of order) {
    const p = pickPoint(layout, picks[i]);
    sum += distanceMm(layout, at, p);
    at = p;
  }
  return sum + distanceMm(layout, at, d);
}
