/**
 * Cartonization: choose boxes from a catalogue and place every unit of an order in them.
 * Objective, in order: fewest boxes, then least total shipped box volume.
 *
 * 1. Units that cannot ship in any box alone are set aside with a reason.
 * 2. Boxes are tried small to large; the first box in which some (item order × merit)
 *    extreme-point packing places every remaining unit is the answer for them.
 * 3. Otherwise one carton is chosen among partial fills (first-fit decreasing in each item order,
 *    over the whole catalogue, ranked by the share of remaining volume and weight they take) by
 *    the pilot method: each of the best few is completed greedily and the one whose completion
 *    needs the fewest boxes, then the least volume, is kept; step 2 repeats for the rest.
 * 4. Improvement: any two cartons whose units fit together in one box are merged; then each
 *    carton is repacked into the smallest box that holds it.
 *
 * Rules enforced (the validator checks the same): no overlap, inside the box, contents plus tare
 * within the box's max gross weight, thisSideUp keeps the unit's own height vertical, nothing
 * anywhere above a noStack unit's footprint, nothing heavier than a fragile unit above its
 * footprint (fragile units may sit on the floor or on others; they are loaded last so they tend
 * to end on top), and each unit's base at least `minSupportRatio` supported (floor or tops).
 */
import { packBox, type BoxPacking, type Merit } from './extreme-point-packer.js';
import { distinctOrientations } from './orientations.js';
import { SORT_RULES, sortItems } from './sort-rules.js';
import type { BoxType, Carton, CartonizeOptions, CartonizeResult, PackItem, UnpackedItem } from './types.js';

const MERITS: readonly Merit[] = ['bottomLeft', 'contact', 'compact', 'wall'];
const DEFAULT_MIN_SUPPORT_RATIO = 0.5;
/** Partial fills completed by the pilot method at each multi-box step. */
const PILOT_CANDIDATES = 8;
/** Above this many units the leader orders (n extra orders per box) cost more than they find. */
const LEADER_ORDERS_MAX_UNITS = 16;

interface Packed {
  box: BoxType;
  packing: BoxPacking;
}

const boxVolume = (b: BoxType) => b.innerLengthMm * b.innerWidthMm * b.innerHeightMm;
const itemVolume = (i: PackItem) => i.lengthMm * i.widthMm * i.heightMm;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function fitsAlone(item: PackItem, box: BoxType): boolean {
  return distinctOrientations(item).some((o) => o.dxMm <= box.innerLengthMm && o.dyMm <= box.innerWidthMm && o.dzMm <= box.innerHeightMm);
}

function isPositive(n: number): boolean {
  return Number.isFinite(n) && n > 0;
}

/** Catalogue boxes that can hold anything, smallest inner volume first (ties by boxId: deterministic). */
function usableBoxes(boxes: readonly BoxType[]): BoxType[] {
  return boxes
    .filter(
      (b) =>
        isPositive(b.innerLengthMm) && isPositive(b.innerWidthMm) && isPositive(b.innerHeightMm) && b.maxWeightG > b.tareG && b.tareG >= 0,
    )
    .sort((a, b) => boxVolume(a) - boxVolume(b) || (a.boxId < b.boxId ? -1 : a.boxId > b.boxId ? 1 : 0));
}

function classify(items: readonly PackItem[], boxes: readonly BoxType[]): { packable: PackItem[]; unpacked: UnpackedItem[] } {
  const packable: PackItem[] = [];
  const unpacked: UnpackedItem[] = [];
  for (const item of items) {
    if (![item.lengthMm, item.widthMm, item.heightMm].every(isPositive) || !(Number.isFinite(item.weightG) && item.weightG >= 0)) {
      unpacked.push({ itemId: item.itemId, reason: 'invalid_dimensions' });
      continue;
    }
    const roomy = boxes.filter((b) => fitsAlone(item, b));
    if (roomy.length === 0) unpacked.push({ itemId: item.itemId, reason: 'too_large_for_any_box' });
    else if (!roomy.some((b) => item.weightG + b.tareG <= b.maxWeightG))
      unpacked.push({ itemId: item.itemId, reason: 'too_heavy_for_any_box' });
    else packable.push(item);
  }
  return { packable, unpacked };
}

/** The item orders to try for a set of units, computed once per set. */
function orders(items: readonly PackItem[]): PackItem[][] {
  return SORT_RULES.map((r) => sortItems(items, r));
}

/**
 * Extra orders for a box the sorted orders could not fill: the volume order with each other unit
 * moved to the front, since the first unit's place and turn shape the whole load.
 */
function leaderOrders(items: readonly PackItem[]): PackItem[][] {
  if (items.length > LEADER_ORDERS_MAX_UNITS) return [];
  const base = sortItems(items, 'volume');
  return base.slice(1).map((lead) => [lead, ...base.filter((i) => i !== lead)]);
}

/** Smallest box (catalogue order) in which some attempt places every unit, or null. */
function smallestBoxFor(items: readonly PackItem[], boxes: readonly BoxType[], minSupport: number): Packed | null {
  const volume = sum(items.map(itemVolume));
  const weightG = sum(items.map((i) => i.weightG));
  let sorted: PackItem[][] | null = null;
  for (const box of boxes) {
    // Cheap necessary conditions before any geometry.
    if (volume > boxVolume(box) || weightG + box.tareG > box.maxWeightG) continue;
    if (!items.every((i) => fitsAlone(i, box))) continue;
    sorted ??= [...orders(items), ...leaderOrders(items)];
    for (const order of sorted) {
      for (const merit of MERITS) {
        const packing = packBox(order, box, merit, minSupport, 'all');
        if (packing) return { box, packing };
      }
    }
  }
  return null;
}

/** Candidate one-box partial fills of what remains, best share first, one per distinct unit set (in the smallest box seen for it). Share = packed volume and weight, each against the catalogue's largest capacity. */
function partialFills(items: readonly PackItem[], boxes: readonly BoxType[], minSupport: number): Packed[] {
  const maxVol = Math.max(...boxes.map(boxVolume));
  const maxPayloadG = Math.max(...boxes.map((b) => b.maxWeightG - b.tareG));
  const sorted = orders(items);
  const index = new Map(items.map((item, k) => [item, k]));
  const seen = new Set<string>();
  const found: { packed: Packed; score: number }[] = [];
  for (const box of boxes) {
    if (!items.some((i) => fitsAlone(i, box) && i.weightG + box.tareG <= box.maxWeightG)) continue;
    for (const order of sorted) {
      for (const merit of MERITS) {
        const packing = packBox(order, box, merit, minSupport, 'partial')!;
        if (packing.placements.length === 0) continue;
        const key = packing.placements
          .map((p) => index.get(p.item)!)
          .sort((a, b) => a - b)
          .join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        const score = sum(packing.placements.map((p) => itemVolume(p.item))) / maxVol + packing.contentWeightG / maxPayloadG;
        found.push({ packed: { box, packing }, score });
      }
    }
  }
  if (found.length === 0) throw new Error('cartonize: no box takes any remaining unit (classify should have excluded it)');
  // Stable sort: with equal share the earlier (smaller) box keeps its place.
  return found.sort((a, b) => b.score - a.score).map((f) => f.packed);
}

function without(items: readonly PackItem[], packed: Packed): PackItem[] {
  const taken = new Set(packed.packing.placements.map((p) => p.item));
  return items.filter((i) => !taken.has(i));
}

/** Greedy: all remaining units in the smallest box that holds them, else the best-share partial fill, repeated. */
function greedy(items: readonly PackItem[], boxes: readonly BoxType[], minSupport: number): Packed[] {
  const out: Packed[] = [];
  let remaining = [...items];
  while (remaining.length > 0) {
    const all = smallestBoxFor(remaining, boxes, minSupport);
    if (all) return [...out, all];
    const first = partialFills(remaining, boxes, minSupport)[0]!;
    out.push(first);
    remaining = without(remaining, first);
  }
  return out;
}

const cost = (ps: readonly Packed[]): [number, number] => [ps.length, sum(ps.map((p) => boxVolume(p.box)))];
const cheaper = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * Pilot method (Voß, Fink & Duin, "Looking Ahead with the Pilot Method", Annals of OR 136, 2005):
 * each carton is chosen among the best few partial fills by completing every one of them with the
 * greedy and keeping the one whose completion needs the fewest boxes, then the least volume.
 */
function pilot(items: readonly PackItem[], boxes: readonly BoxType[], minSupport: number): Packed[] {
  const out: Packed[] = [];
  let remaining = [...items];
  while (remaining.length > 0) {
    const all = smallestBoxFor(remaining, boxes, minSupport);
    if (all) return [...out, all];
    let best: { first: Packed; cost: [number, number] } | null = null;
    for (const first of partialFills(remaining, boxes, minSupport).slice(0, PILOT_CANDIDATES)) {
      const c = cost([first, ...greedy(without(remaining, first), boxes, minSupport)]);
      if (!best || cheaper(c, best.cost)) best = { first, cost: c };
    }
    out.push(best!.first);
    remaining = without(remaining, best!.first);
  }
  return out;
}

function toCarton({ box, packing }: Packed): Carton {
  const volumeMm3 = sum(packing.placements.map((p) => p.dx * p.dy * p.dz));
  const innerMm3 = boxVolume(box);
  return {
    boxId: box.boxId,
    items: packing.placements.map((p) => ({
      itemId: p.item.itemId,
      xMm: p.x,
      yMm: p.y,
      zMm: p.z,
      lengthMm: p.dx,
      widthMm: p.dy,
      heightMm: p.dz,
      orientation: p.orientation,
    })),
    fillRate: volumeMm3 / innerMm3,
    grossWeightG: box.tareG + packing.contentWeightG,
    voidFillMm3: innerMm3 - volumeMm3,
  };
}

const itemsOf = (p: Packed) => p.packing.placements.map((pl) => pl.item);

/** Merge pairs of cartons into one box while any pair fits together; last cartons (the emptiest) first. */
function mergePairs(packed: Packed[], boxes: readonly BoxType[], minSupport: number): Packed[] {
  let merged = true;
  while (merged && packed.length > 1) {
    merged = false;
    outer: for (let i = packed.length - 1; i >= 1; i--) {
      for (let j = i - 1; j >= 0; j--) {
        const union = [...itemsOf(packed[j]!), ...itemsOf(packed[i]!)];
        const one = smallestBoxFor(union, boxes, minSupport);
        if (one) {
          packed = packed.filter((_, k) => k !== i && k !== j);
          packed.splice(j, 0, one);
          merged = true;
          break outer;
        }
      }
    }
  }
  return packed;
}

/**
 * Packs the units in `items` into boxes from `boxes`: fewest boxes, then least shipped volume.
 * Units listed in `unpacked` carry the reason they could not ship. Pure and deterministic.
 */
export function cartonize(items: readonly PackItem[], boxes: readonly BoxType[], opts: CartonizeOptions = {}): CartonizeResult {
  const minSupport = opts.minSupportRatio ?? DEFAULT_MIN_SUPPORT_RATIO;
  const maxCartons = opts.maxCartons ?? Infinity;
  const catalogue = usableBoxes(boxes);
  const { packable, unpacked } = classify(items, catalogue);

  let packed = pilot(packable, catalogue, minSupport);
  for (const extra of packed.slice(maxCartons)) {
    for (const p of extra.packing.placements) unpacked.push({ itemId: p.item.itemId, reason: 'no_room' });
  }
  packed = packed.slice(0, maxCartons);

  packed = mergePairs(packed, catalogue, minSupport);
  packed = packed.map((p) => {
    const smaller = smallestBoxFor(
      itemsOf(p),
      catalogue.filter((b) => boxVolume(b) <= boxVolume(p.box)),
      minSupport,
    );
    return smaller ?? p;
  });
  return { cartons: packed.map(toCarton), unpacked };
}
