/**
 * Single-box packing by extreme points.
 * Source: T. G. Crainic, G. Perboli, R. Tadei, "Extreme Point-Based Heuristics for
 * Three-Dimensional Bin Packing", INFORMS Journal on Computing 20(3):368–384, 2008.
 * After each placement the three corners (x+dx, y, z), (x, y+dy, z), (x, y, z+dz) are projected
 * along the two other negative axes onto the nearest item face or box wall (six extreme points,
 * section 3 of the paper); the unprojected corners are kept too because they are cheap and help
 * stacking. Items are taken in a given order; each goes to the extreme point and orientation that
 * score best under a merit rule. Stacking flags and a minimum base support are checked at
 * placement, for the new item against every placed item in both directions.
 */
import { distinctOrientations, type OrientedDims } from './orientations.js';
import type { BoxType, Orientation, PackItem } from './types.js';

/**
 * How a spot is scored. bottomLeft: lowest, then deepest; compact: smallest bounding box of the
 * load; contact: most face area touching walls and items; wall: least reach along the box length,
 * so items stand up in walls across the box (layer/wall building, George & Robinson 1980).
 */
export type Merit = 'bottomLeft' | 'compact' | 'contact' | 'wall';

export interface Placement {
  item: PackItem;
  x: number;
  y: number;
  z: number;
  dx: number;
  dy: number;
  dz: number;
  orientation: Orientation;
}

export interface BoxPacking {
  placements: Placement[];
  /** Items that found no room (only in partial mode). */
  skipped: PackItem[];
  contentWeightG: number;
}

interface Point {
  x: number;
  y: number;
  z: number;
}

type Score = [number, number, number, number];

function better(a: Score, b: Score): boolean {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

function footprintOverlap(a: Placement, x: number, y: number, dx: number, dy: number): number {
  const ox = Math.min(a.x + a.dx, x + dx) - Math.max(a.x, x);
  if (ox <= 0) return 0;
  const oy = Math.min(a.y + a.dy, y + dy) - Math.max(a.y, y);
  return oy > 0 ? ox * oy : 0;
}

function overlapLen(a0: number, a1: number, b0: number, b1: number): number {
  const d = Math.min(a1, b1) - Math.max(a0, b0);
  return d > 0 ? d : 0;
}

/** Area of faces shared with walls and placed items: more contact, fewer holes (touching-perimeter idea, Lodi, Martello & Vigo 1999, in 3D). */
function contactArea(placed: Placement[], box: BoxType, x: number, y: number, z: number, dx: number, dy: number, dz: number): number {
  let area = 0;
  if (x === 0) area += dy * dz;
  if (x + dx === box.innerLengthMm) area += dy * dz;
  if (y === 0) area += dx * dz;
  if (y + dy === box.innerWidthMm) area += dx * dz;
  if (z === 0) area += dx * dy;
  for (const p of placed) {
    if (p.x + p.dx === x || p.x === x + dx) area += overlapLen(p.y, p.y + p.dy, y, y + dy) * overlapLen(p.z, p.z + p.dz, z, z + dz);
    if (p.y + p.dy === y || p.y === y + dy) area += overlapLen(p.x, p.x + p.dx, x, x + dx) * overlapLen(p.z, p.z + p.dz, z, z + dz);
    if (p.z + p.dz === z || p.z === z + dz) area += overlapLen(p.x, p.x + p.dx, x, x + dx) * overlapLen(p.y, p.y + p.dy, y, y + dy);
  }
  return area;
}

/** True when the item may sit at (x, y, z) with these extents: no overlap, stacking flags kept, base supported. */
function fits(
  placed: Placement[],
  item: PackItem,
  x: number,
  y: number,
  z: number,
  dx: number,
  dy: number,
  dz: number,
  minSupportRatio: number,
): boolean {
  let supported = 0;
  const top = z + dz;
  for (const p of placed) {
    const fp = footprintOverlap(p, x, y, dx, dy);
    if (fp === 0) continue;
    const pTop = p.z + p.dz;
    if (z < pTop && p.z < top) return false; // overlap: footprints meet and z ranges meet
    if (z >= pTop) {
      // the new item is above p
      if (p.item.noStack) return false;
      if (p.item.fragile && item.weightG > p.item.weightG) return false;
      if (z === pTop) supported += fp;
    } else {
      // p is above the new item
      if (item.noStack) return false;
      if (item.fragile && p.item.weightG > item.weightG) return false;
    }
  }
  return z === 0 || supported >= minSupportRatio * dx * dy;
}

function projectX(placed: Placement[], p: Point): number {
  let best = 0;
  for (const q of placed) {
    const end = q.x + q.dx;
    if (end <= p.x && end > best && q.y <= p.y && p.y < q.y + q.dy && q.z <= p.z && p.z < q.z + q.dz) best = end;
  }
  return best;
}

function projectY(placed: Placement[], p: Point): number {
  let best = 0;
  for (const q of placed) {
    const end = q.y + q.dy;
    if (end <= p.y && end > best && q.x <= p.x && p.x < q.x + q.dx && q.z <= p.z && p.z < q.z + q.dz) best = end;
  }
  return best;
}

function projectZ(placed: Placement[], p: Point): number {
  let best = 0;
  for (const q of placed) {
    const end = q.z + q.dz;
    if (end <= p.z && end > best && q.x <= p.x && p.x < q.x + q.dx && q.y <= p.y && p.y < q.y + q.dy) best = end;
  }
  return best;
}

function newExtremePoints(placed: Placement[], k: Placement): Point[] {
  const a = { x: k.x + k.dx, y: k.y, z: k.z };
  const b = { x: k.x, y: k.y + k.dy, z: k.z };
  const c = { x: k.x, y: k.y, z: k.z + k.dz };
  return [
    a,
    b,
    c,
    { ...a, y: projectY(placed, a) },
    { ...a, z: projectZ(placed, a) },
    { ...b, x: projectX(placed, b) },
    { ...b, z: projectZ(placed, b) },
    { ...c, x: projectX(placed, c) },
    { ...c, y: projectY(placed, c) },
  ];
}

/**
 * Packs `items` in the given order into one box. In 'all' mode it stops at the first item that
 * finds no room and returns null; in 'partial' mode that item is skipped. Pure and deterministic.
 */
export function packBox(
  items: readonly PackItem[],
  box: BoxType,
  merit: Merit,
  minSupportRatio: number,
  mode: 'all' | 'partial',
): BoxPacking | null {
  const L = box.innerLengthMm,
    W = box.innerWidthMm,
    H = box.innerHeightMm;
  const payloadG = box.maxWeightG - box.tareG;
  const placed: Placement[] = [];
  const skipped: PackItem[] = [];
  let eps: Point[] = [{ x: 0, y: 0, z: 0 }];
  const epKeys = new Set<string>(['0,0,0']);
  let weightG = 0;
  let extX = 0,
    extY = 0,
    extZ = 0;

  for (const item of items) {
    let bestScore: Score | null = null;
    let best: { p: Point; o: OrientedDims } | null = null;
    if (weightG + item.weightG <= payloadG) {
      const orients = distinctOrientations(item);
      for (const p of eps) {
        for (const o of orients) {
          const { dxMm: dx, dyMm: dy, dzMm: dz } = o;
          if (p.x + dx > L || p.y + dy > W || p.z + dz > H) continue;
          if (!fits(placed, item, p.x, p.y, p.z, dx, dy, dz, minSupportRatio)) continue;
          let score: Score;
          if (merit === 'bottomLeft') score = [p.z, p.y, p.x, p.z + dz];
          else if (merit === 'compact') {
            const vol = Math.max(extX, p.x + dx) * Math.max(extY, p.y + dy) * Math.max(extZ, p.z + dz);
            score = [vol, p.z + dz, p.y, p.x];
          } else if (merit === 'wall') score = [p.x + dx, p.z, p.y, p.x];
          else score = [-contactArea(placed, box, p.x, p.y, p.z, dx, dy, dz), p.z, p.y, p.x];
          if (bestScore === null || better(score, bestScore)) {
            bestScore = score;
            best = { p, o };
          }
        }
      }
    }
    if (!best) {
      if (mode === 'all') return null;
      skipped.push(item);
      continue;
    }
    const k: Placement = {
      item,
      x: best.p.x,
      y: best.p.y,
      z: best.p.z,
      dx: best.o.dxMm,
      dy: best.o.dyMm,
      dz: best.o.dzMm,
      orientation: best.o.orientation,
    };
    placed.push(k);
    weightG += item.weightG;
    extX = Math.max(extX, k.x + k.dx);
    extY = Math.max(extY, k.y + k.dy);
    extZ = Math.max(extZ, k.z + k.dz);
    // Drop points the new item now covers; add its projected corners.
    eps = eps.filter((p) => {
      const inside = k.x <= p.x && p.x < k.x + k.dx && k.y <= p.y && p.y < k.y + k.dy && k.z <= p.z && p.z < k.z + k.dz;
      if (inside) epKeys.delete(`${p.x},${p.y},${p.z}`);
      return !inside;
    });
    for (const p of newExtremePoints(placed, k)) {
      if (p.x >= L || p.y >= W || p.z >= H) continue;
      const key = `${p.x},${p.y},${p.z}`;
      if (
        epKeys.has(key) ||
        placed.some((q) => q.x <= p.x && p.x < q.x + q.dx && q.y <= p.y && p.y < q.y + q.dy && q.z <= p.z && p.z < q.z + q.dz)
      )
        continue;
      epKeys.add(key);
      eps.push(p);
    }
  }
  return { placements: placed, skipped, contentWeightG: weightG };
}
