import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInstances } from '../cartonization/data.js';
import { loadSingleBlock } from '../pickpath/instances.js';
import { expandInstancePaths, instancesArg } from './instances-arg.js';

const pick = { aisles: 3, aisleLengthMm: 10_000, aisleSpacingMm: 3000, depot: { x: 0, y: 0 }, picks: [{ aisle: 1, yMm: 500 }] };
const order = { id: 'o1', items: [{ sku: 'a', lengthMm: 100, widthMm: 80, heightMm: 50, weightG: 200, qty: 2 }] };

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-instances-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  mkdirSync(join(dir, 'sub'));
  return dir;
}

describe('--instances', () => {
  it('takes the paths after the flag up to the next flag, comma- or space-separated', () => {
    expect(instancesArg(['--quick', '--instances', 'a,b', 'c', '--seed', '2'])).toEqual(['a', 'b', 'c']);
    expect(instancesArg(['--quick'])).toEqual([]);
    expect(() => instancesArg(['--instances', '--quick'])).toThrow(/needs a file/);
  });

  it('expands a directory to its files, sorted, without sub-folders or hidden files', () => {
    const dir = folder({ 'b.json': '{}', 'a.json': '{}', '.hidden': '' });
    expect(expandInstancePaths([dir]).map((f) => f.slice(dir.length + 1))).toEqual(['a.json', 'b.json']);
  });

  it('pick path: reads instances from a folder and skips files that are not instances', () => {
    const dir = folder({ 'P1.json': JSON.stringify(pick), 'SOURCES.md': '# x', 'other.json': '{"x":1}', 'broken.json': '{' });
    const got = loadSingleBlock([dir]);
    expect(got.map((i) => i.name)).toEqual(['P1']);
    expect(got[0].layout.aislesXMm).toEqual([0, 3000, 6000]);
    expect(loadSingleBlock([join(dir, 'P1.json')])).toHaveLength(1);
  });

  it('pick path: defaults to the 120 in-repo instances', () => {
    expect(loadSingleBlock()).toHaveLength(120);
  });

  it('cartonization: reads order files, skips the rest, and falls back to the in-repo box catalogue', () => {
    const dir = folder({ 'orders.json': JSON.stringify({ orders: [order] }), 'SOURCES.md': '# x', 'notes.json': '[1]' });
    const { boxes, orders } = loadInstances([dir]);
    expect(orders).toHaveLength(1);
    expect(orders[0].items).toHaveLength(2);
    expect(boxes).toHaveLength(12);
    const own = folder({
      'boxes.json': JSON.stringify({
        boxes: [{ code: 'B', innerLengthMm: 1, innerWidthMm: 1, innerHeightMm: 1, maxWeightG: 1, tareG: 1 }],
      }),
    });
    expect(loadInstances([dir, own]).boxes.map((b) => b.boxId)).toEqual(['B']);
    expect(() => loadInstances([own])).toThrow(/no cartonization orders/);
  });

  it('cartonization: defaults to the in-repo synthetic orders', () => {
    expect(loadInstances().orders.length).toBe(300);
  });
});
