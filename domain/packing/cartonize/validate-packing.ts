/**
 * Independent check of a packing result. Written apart from the packer (it shares only the
 * types) so that a bug in the packer's geometry is not repeated here.
 */
import type { BoxType, CartonizeResult, PackItem } from './types.js';

export type ViolationKind =
  | 'unknown_box'
  | 'unknown_item'
  | 'duplicate_item'
  | 'missing_item'
  | 'unpacked_without_reason'
  | 'bad_dimensions'
  | 'outside_box'
  | 'overlap'
  | 'overweight'
  | 'this_side_up'
  | 'no_stack'
  | 'fragile'
  | 'unsupported'
  | 'wrong_figure';

export interface Violation {
  kind: ViolationKind;
  cartonIndex?: number;
  itemIds: string[];
  detail: string;
}

export interface ValidationReport {
  ok: boolean;
  violations: Violation[];
}

export interface ValidateOptions {
  /** When set, every item above the floor must have this share of its base on tops of items directly below. */
  minSupportRatio?: number;
}

interface Cuboid {
  id: string;
  x0: number;
  y0: number;
  z0: number;
  x1: number;
  y1: number;
  z1: number;
}

function span(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function baseOverlapArea(a: Cuboid, b: Cuboid): number {
  return span(a.x0, a.x1, b.x0, b.x1) * span(a.y0, a.y1, b.y0, b.y1);
}

function sameMultiset(a: number[], b: number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}

/** Checks a cartonization result against its input: returns every rule it breaks (empty when sound). */
export function validatePacking(
  result: CartonizeResult,
  items: readonly PackItem[],
  boxes: readonly BoxType[],
  opts: ValidateOptions = {},
): ValidationReport {
  const violations: Violation[] = [];
  const byId = new Map<string, PackItem>();
  for (const item of items) {
    if (byId.has(item.itemId))
      violations.push({ kind: 'duplicate_item', itemIds: [item.itemId], detail: 'item id appears twice in the input' });
    byId.set(item.itemId, item);
  }
  const boxById = new Map(boxes.map((b) => [b.boxId, b]));
  const seen = new Map<string, number>();
  const count = (id: string) => seen.set(id, (seen.get(id) ?? 0) + 1);

  result.cartons.forEach((carton, c) => {
    const box = boxById.get(carton.boxId);
    if (!box) {
      violations.push({ kind: 'unknown_box', cartonIndex: c, itemIds: [], detail: `box ${carton.boxId} is not in the catalogue` });
      return;
    }
    const cuboids: { cub: Cuboid; item: PackItem }[] = [];
    let contentG = 0;
    let volumeMm3 = 0;
    for (const p of carton.items) {
      count(p.itemId);
      const item = byId.get(p.itemId);
      if (!item) {
        violations.push({ kind: 'unknown_item', cartonIndex: c, itemIds: [p.itemId], detail: 'placed item is not in the input' });
        continue;
      }
      contentG += item.weightG;
      volumeMm3 += p.lengthMm * p.widthMm * p.heightMm;
      if (!sameMultiset([p.lengthMm, p.widthMm, p.heightMm], [item.lengthMm, item.widthMm, item.heightMm])) {
        violations.push({
          kind: 'bad_dimensions',
          cartonIndex: c,
          itemIds: [p.itemId],
          detail: `placed ${p.lengthMm}x${p.widthMm}x${p.heightMm} is not a rotation of ${item.lengthMm}x${item.widthMm}x${item.heightMm}`,
        });
      }
      // The orientation letters must name which of the item's sides lies along x, y, z.
      const side = { L: item.lengthMm, W: item.widthMm, H: item.heightMm } as const;
      const letters = p.orientation.split('') as ('L' | 'W' | 'H')[];
      if (
        new Set(letters).size !== 3 ||
        side[letters[0]!] !== p.lengthMm ||
        side[letters[1]!] !== p.widthMm ||
        side[letters[2]!] !== p.heightMm
      ) {
        violations.push({
          kind: 'bad_dimensions',
          cartonIndex: c,
          itemIds: [p.itemId],
          detail: `orientation ${p.orientation} does not match the placed extents`,
        });
      }
      if (item.thisSideUp && (p.heightMm !== item.heightMm || letters[2] !== 'H')) {
        violations.push({
          kind: 'this_side_up',
          cartonIndex: c,
          itemIds: [p.itemId],
          detail: `this-side-up item placed as ${p.orientation}`,
        });
      }
      const cub: Cuboid = {
        id: p.itemId,
        x0: p.xMm,
        y0: p.yMm,
        z0: p.zMm,
        x1: p.xMm + p.lengthMm,
        y1: p.yMm + p.widthMm,
        z1: p.zMm + p.heightMm,
      };
      const inside =
        [cub.x0, cub.y0, cub.z0].every((v) => Number.isFinite(v) && v >= 0) &&
        cub.x1 <= box.innerLengthMm &&
        cub.y1 <= box.innerWidthMm &&
        cub.z1 <= box.innerHeightMm;
      if (!inside)
        violations.push({
          kind: 'outside_box',
          cartonIndex: c,
          itemIds: [p.itemId],
          detail: `[${cub.x0},${cub.y0},${cub.z0}]-[${cub.x1},${cub.y1},${cub.z1}] not within ${box.innerLengthMm}x${box.innerWidthMm}x${box.innerHeightMm}`,
        });
      cuboids.push({ cub, item });
    }
    for (let i = 0; i < cuboids.length; i++) {
      const a = cuboids[i]!;
      let supportedMm2 = 0;
      for (let j = 0; j < cuboids.length; j++) {
        if (i === j) continue;
        const b = cuboids[j]!;
        const base = baseOverlapArea(a.cub, b.cub);
        if (j > i && base > 0 && span(a.cub.z0, a.cub.z1, b.cub.z0, b.cub.z1) > 0) {
          violations.push({ kind: 'overlap', cartonIndex: c, itemIds: [a.cub.id, b.cub.id], detail: 'items share volume' });
        }
        // b above a: b's bottom at or over a's top, footprints meeting with positive area.
        if (base > 0 && b.cub.z0 >= a.cub.z1) {
          if (a.item.noStack)
            violations.push({
              kind: 'no_stack',
              cartonIndex: c,
              itemIds: [a.cub.id, b.cub.id],
              detail: `${b.cub.id} is above no-stack ${a.cub.id}`,
            });
          if (a.item.fragile && b.item.weightG > a.item.weightG)
            violations.push({
              kind: 'fragile',
              cartonIndex: c,
              itemIds: [a.cub.id, b.cub.id],
              detail: `${b.cub.id} (${b.item.weightG} g) is above fragile ${a.cub.id} (${a.item.weightG} g)`,
            });
        }
        if (b.cub.z1 === a.cub.z0) supportedMm2 += base;
      }
      const baseMm2 = (a.cub.x1 - a.cub.x0) * (a.cub.y1 - a.cub.y0);
      if (opts.minSupportRatio !== undefined && a.cub.z0 > 0 && supportedMm2 < opts.minSupportRatio * baseMm2) {
        violations.push({
          kind: 'unsupported',
          cartonIndex: c,
          itemIds: [a.cub.id],
          detail: `${((100 * supportedMm2) / baseMm2).toFixed(0)}% of base supported`,
        });
      }
    }
    if (box.tareG + contentG > box.maxWeightG) {
      violations.push({ kind: 'overweight', cartonIndex: c, itemIds: [], detail: `${box.tareG + contentG} g gross > ${box.maxWeightG} g` });
    }
    const innerMm3 = box.innerLengthMm * box.innerWidthMm * box.innerHeightMm;
    if (
      carton.grossWeightG !== box.tareG + contentG ||
      Math.abs(carton.fillRate - volumeMm3 / innerMm3) > 1e-9 ||
      carton.voidFillMm3 !== innerMm3 - volumeMm3
    ) {
      violations.push({
        kind: 'wrong_figure',
        cartonIndex: c,
        itemIds: [],
        detail: 'grossWeightG, fillRate or voidFillMm3 disagree with the contents',
      });
    }
  });

  for (const u of result.unpacked) {
    count(u.itemId);
    if (!byId.has(u.itemId)) violations.push({ kind: 'unknown_item', itemIds: [u.itemId], detail: 'unpacked item is not in the input' });
    if (!u.reason) violations.push({ kind: 'unpacked_without_reason', itemIds: [u.itemId], detail: 'no reason given' });
  }
  for (const id of byId.keys()) {
    const n = seen.get(id) ?? 0;
    if (n === 0) violations.push({ kind: 'missing_item', itemIds: [id], detail: 'neither packed nor listed unpacked' });
    if (n > 1) violations.push({ kind: 'duplicate_item', itemIds: [id], detail: `accounted for ${n} times` });
  }
  return { ok: violations.length === 0, violations };
}
