import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DepotLocation, PickLocation, WarehouseLayout } from '../../domain/picking/pick-path/index.js';
import { mulberry32 } from '../../domain/picking/pick-path/rng.js';
import { expandInstancePaths } from '../lib/instances-arg.js';

export interface PickInstance {
  name: string;
  layout: WarehouseLayout;
  depot: DepotLocation;
  picks: PickLocation[];
}

/** The 120 single-block instances kept in the repository (format and origin in its SOURCES.md). */
export const SINGLE_BLOCK_DIR = fileURLToPath(new URL('../data/pickpath/', import.meta.url));

interface SingleBlockFile {
  aisles: number;
  aisleLengthMm: number;
  aisleSpacingMm: number;
  depot: { x: number; y: number };
  picks: { aisle: number; yMm: number }[];
}

function isSingleBlock(raw: unknown): raw is SingleBlockFile {
  const r = raw as Partial<SingleBlockFile> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isInteger(r.aisles) &&
    typeof r.aisleLengthMm === 'number' &&
    typeof r.aisleSpacingMm === 'number' &&
    typeof r.depot?.x === 'number' &&
    Array.isArray(r.picks)
  );
}

/** Reads a file as an instance, or undefined when it is not one (not JSON, or another shape). */
function readSingleBlock(file: string): SingleBlockFile | undefined {
  if (!file.endsWith('.json')) return undefined;
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isSingleBlock(raw) ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** Single-block instances from files or directories (default: the in-repo set); other files are skipped. */
export function loadSingleBlock(paths: string | string[] = SINGLE_BLOCK_DIR): PickInstance[] {
  const out: PickInstance[] = [];
  for (const file of expandInstancePaths(Array.isArray(paths) ? paths : [paths])) {
    const raw = readSingleBlock(file);
    if (!raw) continue;
    out.push({
      name: basename(file).replace(/\.json$/, ''),
      layout: {
        aislesXMm: Array.from({ length: raw.aisles }, (_, i) => i * raw.aisleSpacingMm),
        crossAislesYMm: [0, raw.aisleLengthMm],
      },
      depot: { xMm: raw.depot.x, yMm: raw.depot.y },
      picks: raw.picks.map((p) => ({ aisle: p.aisle, yMm: p.yMm })),
    });
  }
  return out;
}

/**
 * Multi-block instances generated from a seed, in the same units as the single-block set:
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
