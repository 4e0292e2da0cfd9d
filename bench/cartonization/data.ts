/**
 * Loads cartonization instances as domain shapes: a box catalogue (`{ boxes: [...] }`) and order
 * sets (`{ orders: [...] }`) from the files or directories given, by default the in-repo data
 * (bench/data/cartonization: the box catalogue and the synthetic orders). Files of another shape
 * (SOURCES.md, other JSON) are skipped. With no catalogue among the paths, the in-repo one is used.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expandLines } from '../../domain/packing/cartonize/index.js';
import type { BoxType, PackItem } from '../../domain/packing/cartonize/index.js';
import { expandInstancePaths } from '../lib/instances-arg.js';

export interface BenchOrder {
  id: string;
  items: PackItem[];
}

export const DEFAULT_DIR = fileURLToPath(new URL('../data/cartonization/', import.meta.url));
const DEFAULT_BOXES = fileURLToPath(new URL('../data/cartonization/boxes.json', import.meta.url));

/** A box as the catalogue file (`{ boxes: [...] }`, e.g. boxes.json) holds it; the demo seed reads the same file. */
export interface RawBox {
  code: string;
  innerLengthMm: number;
  innerWidthMm: number;
  innerHeightMm: number;
  maxWeightG: number;
  tareG: number;
}
interface RawOrder {
  id: string;
  items: { sku: string; lengthMm: number; widthMm: number; heightMm: number; weightG: number; qty: number }[];
}

function readJson(file: string): unknown {
  if (!file.endsWith('.json')) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const isBoxes = (raw: unknown): raw is { boxes: RawBox[] } => Array.isArray((raw as { boxes?: unknown } | null)?.boxes);
const isOrders = (raw: unknown): raw is { orders: RawOrder[] } => Array.isArray((raw as { orders?: unknown } | null)?.orders);

/** The box catalogue and the orders, each order's lines expanded to units. */
export function loadInstances(paths: string[] = [DEFAULT_DIR]): { boxes: BoxType[]; orders: BenchOrder[] } {
  let rawBoxes: RawBox[] | undefined;
  const rawOrders: RawOrder[] = [];
  for (const file of expandInstancePaths(paths)) {
    const raw = readJson(file);
    if (isBoxes(raw)) rawBoxes = [...(rawBoxes ?? []), ...raw.boxes];
    else if (isOrders(raw)) rawOrders.push(...raw.orders);
  }
  if (rawOrders.length === 0) throw new Error(`no cartonization orders in ${paths.join(', ')}`);
  rawBoxes ??= (readJson(DEFAULT_BOXES) as { boxes: RawBox[] }).boxes;
  const boxes = rawBoxes.map(({ code, ...b }) => ({ boxId: code, ...b }));
  const orders = rawOrders.map((o) => ({ id: o.id, items: expandLines(o.items) }));
  return { boxes, orders };
}
