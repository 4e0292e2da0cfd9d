import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DepotLocation, PickLocation, WarehouseLayout } from '../../domain/picking/pick-path/index.js';
import { mulberry32 } from '../../domain/picking/pick-path/rng.js';

export interface PickInstance {
  name: string;
  layout: WarehouseLayout;
  depot: DepotLocation;
  picks: PickLocation[];
}

export const SINGLE_BLOCK_DIR = '/work/shared/bench-data/pickpath';

interface SingleBlockFile {
  aisles: number;
  aisleLengthMm: number;
  aisleSpacingMm: number;
  depot: { x: number; y: number };
  picks: { aisle: number; yMm: number }[];
}

/** The 120 single-block instances of the shared bench data (format in its README). */
export function loadSingleBlock(dir = SINGLE_BLOCK_DIR): PickInstance[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as SingleBlockFile;
      return {
        name: f.replace(/\.json$/, ''),
        layout: {
          aislesXMm: Array.from({ length: raw.aisles }, (_, i) => i * raw.aisleSpacingMm),
          crossAislesYMm: [0, raw.aisleLengthMm],
        },
        depot: { xMm: raw.depot.x, yMm: raw.depot.y },
        picks: raw.picks.map((p) => ({ aisle: p.aisle, yMm: p.yMm })),
      };
    });
}

/**
 * Multi-block instances generated from a seed, in the same units as the shared single-block set:
 * aisles 3 m apart, blocks 10 m deep (cross-aisle width not modelled), depot at the front-left
 * corner, picks uniform over aisles and depth (integer mm).
 */
export function generateMultiBlock(
  seed: number,
  aisleCounts = [10, 20],
  blockCounts = [2, 3, 4],
  pickCounts = [10, 30, 60],
  perCell = 10,
): PickInstance[] {
  const out: PickInstance[] = [];
  for (const aisles of aisleCounts) {
    for (const blocks of blockCounts) {
      for (const n of pickCounts) {
        for (let s = 0; s < perCell; s++) {
          const rand = mulberry32(seed * 1_000_003 + aisles * 10_007 + blocks * 101 + n * 7 + s);
          const depthMm = blocks * 10_000;
          out.push({
            name: `MB_A${aisles}_B${blocks}_P${n}_S${s}`,
            layout: {
              aislesXMm: Array.from({ length: aisles }, (_, i) => i * 3000),
              crossAislesYMm: Array.from({ length: blocks + 1 }, (_, k) => k * 10_000),
            },
            depot: { xMm: 0, yMm: 0 },
            picks: Array.from({ length: n }, () => ({ aisle: Math.floor(rand() * aisles), yMm: Math.floor(rand() * (depthMm + 1)) })),
          });
        }
      }
    }
  }
  return out;
}
