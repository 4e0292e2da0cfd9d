/** Loads the shared cartonization instances (boxes.json, orders.json) as domain shapes. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expandLines } from '../../domain/packing/cartonize/index.js';
import type { BoxType, PackItem } from '../../domain/packing/cartonize/index.js';

export interface BenchOrder {
  id: string;
  items: PackItem[];
}

const DEFAULT_DIR = fileURLToPath(new URL('../../../shared/bench-data/cartonization/', import.meta.url));

/** The 12-box catalogue and 489 orders, each order's lines expanded to units. */
export function loadInstances(dir = process.env.CARTONIZATION_DATA_DIR ?? DEFAULT_DIR): { boxes: BoxType[]; orders: BenchOrder[] } {
  const rawBoxes = JSON.parse(readFileSync(`${dir}/boxes.json`, 'utf8')) as {
    boxes: { code: string; innerLengthMm: number; innerWidthMm: number; innerHeightMm: number; maxWeightG: number; tareG: number }[];
  };
  const rawOrders = JSON.parse(readFileSync(`${dir}/orders.json`, 'utf8')) as {
    orders: { id: string; items: { sku: string; lengthMm: number; widthMm: number; heightMm: number; weightG: number; qty: number }[] }[];
  };
  const boxes = rawBoxes.boxes.map(({ code, ...b }) => ({ boxId: code, ...b }));
  const orders = rawOrders.orders.map((o) => ({ id: o.id, items: expandLines(o.items) }));
  return { boxes, orders };
}
