import type { Orientation, PackItem } from './types.js';

export interface OrientedDims {
  orientation: Orientation;
  dxMm: number;
  dyMm: number;
  dzMm: number;
}

const ALL: readonly Orientation[] = ['LWH', 'WLH', 'LHW', 'HLW', 'WHL', 'HWL'];
const UPRIGHT: readonly Orientation[] = ['LWH', 'WLH'];

/** Placed extents (x, y, z) of an item turned to `orientation`. */
export function orientedDims(
  item: Pick<PackItem, 'lengthMm' | 'widthMm' | 'heightMm'>,
  orientation: Orientation,
): [number, number, number] {
  const d = { L: item.lengthMm, W: item.widthMm, H: item.heightMm };
  return [d[orientation[0] as 'L'], d[orientation[1] as 'W'], d[orientation[2] as 'H']];
}

/** Orientations the item's flags allow (thisSideUp keeps the item's own height on z). */
export function allowedOrientations(item: Pick<PackItem, 'thisSideUp'>): readonly Orientation[] {
  return item.thisSideUp ? UPRIGHT : ALL;
}

/** Allowed orientations with distinct placed extents, in a fixed order (duplicates from equal sides dropped). */
export function distinctOrientations(item: PackItem): OrientedDims[] {
  const out: OrientedDims[] = [];
  const seen = new Set<string>();
  for (const orientation of allowedOrientations(item)) {
    const [dxMm, dyMm, dzMm] = orientedDims(item, orientation);
    const key = `${dxMm}x${dyMm}x${dzMm}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ orientation, dxMm, dyMm, dzMm });
  }
  return out;
}
