/**
 * The npm package binpackingjs (v4.1.0, 3D API `pack3D`) driven with the same box-choice rule as
 * ours: try boxes small to large and keep the first one in which the package packs every unit;
 * otherwise fill the largest box with what the package packs there and repeat for the rest.
 * Its axes: width = our x (box length), height = our z (vertical), depth = our y (box width).
 * Its maxWeight limits contents only, so it gets max gross weight minus tare.
 */
import * as binpacking from 'binpackingjs/3d';
import type { BoxType, Carton, CartonizeResult, Orientation, PackItem } from '../../domain/packing/cartonize/index.js';

// The package's .d.ts files use extensionless relative imports that NodeNext cannot follow, so its
// types resolve to `any`; these mirror the part of its documented 3D API we use.
interface Item3D {
  name: string;
  width: number;
  height: number;
  depth: number;
  weight: number;
}
interface Bin3D {
  name: string;
  width: number;
  height: number;
  depth: number;
  maxWeight: number;
}
interface PackedItem3D {
  name: string;
  position: readonly [number, number, number];
  dimension: readonly [number, number, number];
}
interface PackedBin3D {
  items: readonly PackedItem3D[];
}
const pack3D = binpacking.pack3D as (o: { bins: Bin3D[]; items: Item3D[] }) => { packedBins: PackedBin3D[]; unfitItems: Item3D[] };

const ORIENTATIONS: readonly Orientation[] = ['LWH', 'WLH', 'LHW', 'HLW', 'WHL', 'HWL'];

const boxVolume = (b: BoxType) => b.innerLengthMm * b.innerWidthMm * b.innerHeightMm;

function toBin(b: BoxType): Bin3D {
  return { name: b.boxId, width: b.innerLengthMm, height: b.innerHeightMm, depth: b.innerWidthMm, maxWeight: b.maxWeightG - b.tareG };
}

function toItem3D(i: PackItem): Item3D {
  return { name: i.itemId, width: i.lengthMm, height: i.heightMm, depth: i.widthMm, weight: i.weightG };
}

function packOne(items: readonly PackItem[], box: BoxType): PackedBin3D {
  return pack3D({ bins: [toBin(box)], items: items.map(toItem3D) }).packedBins[0]!;
}

function toCarton(box: BoxType, bin: PackedBin3D, byId: Map<string, PackItem>): Carton {
  const placed = bin.items.map((p) => {
    const item = byId.get(p.name)!;
    const [lx, lz, ly] = p.dimension; // package order: width, height, depth
    const side = { L: item.lengthMm, W: item.widthMm, H: item.heightMm };
    const orientation = ORIENTATIONS.find((o) => side[o[0] as 'L'] === lx && side[o[1] as 'L'] === ly && side[o[2] as 'L'] === lz) ?? 'LWH';
    return {
      itemId: p.name,
      xMm: p.position[0],
      yMm: p.position[2],
      zMm: p.position[1],
      lengthMm: lx,
      widthMm: ly,
      heightMm: lz,
      orientation,
      weightG: item.weightG,
    };
  });
  const vol = placed.reduce((s, p) => s + p.lengthMm * p.widthMm * p.heightMm, 0);
  const contentG = placed.reduce((s, p) => s + p.weightG, 0);
  return {
    boxId: box.boxId,
    items: placed.map(({ weightG: _w, ...p }) => p),
    fillRate: vol / boxVolume(box),
    grossWeightG: box.tareG + contentG,
    voidFillMm3: boxVolume(box) - vol,
  };
}

/** Cartonizes one order with binpackingjs under our box-choice rule; same result shape as ours. */
export function cartonizeWithBinpackingjs(items: readonly PackItem[], boxes: readonly BoxType[]): CartonizeResult {
  const sorted = [...boxes].sort((a, b) => boxVolume(a) - boxVolume(b));
  const largest = sorted[sorted.length - 1]!;
  const byId = new Map(items.map((i) => [i.itemId, i]));
  const cartons: Carton[] = [];
  const unpacked: CartonizeResult['unpacked'] = [];
  let remaining = [...items];
  while (remaining.length > 0) {
    let done = false;
    for (const box of sorted) {
      const bin = packOne(remaining, box);
      if (bin.items.length === remaining.length) {
        cartons.push(toCarton(box, bin, byId));
        done = true;
        break;
      }
    }
    if (done) break;
    const bin = packOne(remaining, largest);
    if (bin.items.length === 0) {
      // Nothing at all goes into the largest box: the package cannot place the first unit anywhere.
      unpacked.push({ itemId: remaining[0]!.itemId, reason: 'too_large_for_any_box' });
      remaining = remaining.slice(1);
      continue;
    }
    cartons.push(toCarton(largest, bin, byId));
    const taken = new Set(bin.items.map((p) => p.name));
    remaining = remaining.filter((i) => !taken.has(i.itemId));
  }
  return { cartons, unpacked };
}
