/**
 * A box-count lower bound from items that cannot share any box. Two axis-aligned cuboids that do
 * not overlap are always separated by a plane normal to some axis, so two items fit in a box
 * together exactly when, for some axis and some rotation of each, their extents along that axis
 * sum to at most the box's and each fits the box across it. A set of items that pairwise cannot
 * share a box (found greedily, largest first) needs one box each.
 */
import type { BoxType, PackItem } from '../../domain/packing/cartonize/index.js';

type Dims = [number, number, number];

function rotations(i: PackItem): Dims[] {
  const { lengthMm: l, widthMm: w, heightMm: h } = i;
  return i.thisSideUp
    ? [
        [l, w, h],
        [w, l, h],
      ]
    : [
        [l, w, h],
        [w, l, h],
        [l, h, w],
        [h, l, w],
        [w, h, l],
        [h, w, l],
      ];
}

function pairFits(a: PackItem, b: PackItem, box: BoxType): boolean {
  if (a.weightG + b.weightG + box.tareG > box.maxWeightG) return false;
  const inner: Dims = [box.innerLengthMm, box.innerWidthMm, box.innerHeightMm];
  for (const ra of rotations(a)) {
    if (ra.some((d, k) => d > inner[k]!)) continue;
    for (const rb of rotations(b)) {
      if (rb.some((d, k) => d > inner[k]!)) continue;
      for (let axis = 0; axis < 3; axis++) if (ra[axis]! + rb[axis]! <= inner[axis]!) return true;
    }
  }
  return false;
}

/** Size of a greedy set of items no two of which fit together in any one box. */
export function pairwiseIncompatibleCount(items: readonly PackItem[], boxes: readonly BoxType[]): number {
  const byVolume = [...items].sort((p, q) => q.lengthMm * q.widthMm * q.heightMm - p.lengthMm * p.widthMm * p.heightMm);
  const clique: PackItem[] = [];
  for (const item of byVolume) {
    if (clique.every((c) => !boxes.some((b) => pairFits(item, c, b)))) clique.push(item);
  }
  return clique.length;
}
