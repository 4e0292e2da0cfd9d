import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../checker.js';
import { cvrpToProblem, euc2d, parseCvrplib } from './cvrplib.js';
import { parseSol, writeSol } from './sol-writer.js';
import { parseSolomon, solomonToProblem } from './solomon.js';
import { isLiLim, liLimToProblem, parseLiLim } from './lilim.js';

const DATA = fileURLToPath(new URL('../../../bench/data/routing', import.meta.url));

describe('CVRPLIB reader', () => {
  const inst = parseCvrplib(readFileSync(`${DATA}/X-n101-k25.vrp`, 'utf8'));

  it('reads header, coordinates, demands and depot', () => {
    expect(inst.name).toBe('X-n101-k25');
    expect(inst.capacity).toBe(206);
    expect(inst.coords).toHaveLength(101);
    expect(inst.coords[0]).toEqual([365, 689]);
    expect(inst.depot).toBe(0);
    expect(inst.demands[0]).toBe(0);
    expect(inst.demands.slice(1).every((d) => d > 0)).toBe(true);
  });

  it('prices the published BKS solution at its published cost through the checker', () => {
    const sol = parseSol(readFileSync(`${DATA}/X-n101-k25.sol`, 'utf8'));
    const problem = cvrpToProblem(inst);
    // .sol customers are numbered without the depot: customer k is job k-1.
    const report = checkSolution(
      problem,
      sol.routes.map((r, i) => ({ vehicleIndex: i, jobs: r.map((c) => c - 1) })),
    );
    expect(report.violations).toEqual([]);
    expect(report.distanceM).toBe(sol.cost);
    expect(report.cost).toBeCloseTo(27591, 6);
  });

  it('rounds EUC_2D distances to the nearest integer', () => {
    expect(euc2d([0, 0], [1, 1])).toBe(1);
    expect(euc2d([0, 0], [3, 4])).toBe(5);
    expect(euc2d([0, 0], [1, 2])).toBe(2);
  });

  it('rejects non-Euclidean edge weight types', () => {
    expect(() => parseCvrplib('NAME : a\nEDGE_WEIGHT_TYPE : EXPLICIT\nCAPACITY : 5\n')).toThrow(/EDGE_WEIGHT_TYPE/);
  });
});

describe('Solomon reader', () => {
  it('reads C101: 25 vehicles of 200, depot and 100 customers', () => {
    const inst = parseSolomon(readFileSync(`${DATA}/C101.txt`, 'utf8'));
    expect(inst.name).toBe('C101');
    expect(inst.vehicles).toBe(25);
    expect(inst.capacity).toBe(200);
    expect(inst.customers).toHaveLength(101);
    expect(inst.customers[0]).toEqual({ id: 0, x: 40, y: 50, demand: 0, ready: 0, due: 1236, service: 0 });
    expect(inst.customers[1]).toEqual({ id: 1, x: 45, y: 68, demand: 10, ready: 912, due: 967, service: 90 });
  });

  it('builds a problem whose shift is the depot window and whose distance convention is selectable', () => {
    const inst = parseSolomon(readFileSync(`${DATA}/R101.txt`, 'utf8'));
    const hier = solomonToProblem(inst, 'hierarchical');
    const dist = solomonToProblem(inst, 'distance');
    expect(hier.jobs).toHaveLength(100);
    expect(hier.vehicles[0].shiftEndS).toBe(inst.customers[0].due);
    const h = hier.matrix.distanceM[1];
    const d = dist.matrix.distanceM[1];
    expect(d).toBe(Math.floor(h * 10) / 10);
    expect(hier.vehicles[0].fixedCost).toBeGreaterThan(0);
    expect(dist.vehicles[0].fixedCost).toBe(0);
  });
});

describe('.sol writer', () => {
  it('writes routes without the depot and the cost, and reads them back', () => {
    const text = writeSol([[12, 5, 33], [], [1]], 421);
    expect(text).toBe('Route #1: 12 5 33\nRoute #2: 1\nCost 421\n');
    expect(parseSol(text)).toEqual({ routes: [[12, 5, 33], [1]], cost: 421 });
  });
});

describe('Li & Lim PDPTW reader', () => {
  // A hand-written instance in the Li & Lim text format (the published set is not shipped: bench/data/routing-pdptw/SOURCES.md):
  // vehicles capacity speed, then task x y demand ready due service pickup-sibling delivery-sibling.
  const text = [
    '3\t50\t1',
    '0\t50\t50\t0\t0\t1000\t0\t0\t0',
    '1\t40\t60\t10\t0\t500\t10\t0\t4',
    '2\t60\t40\t20\t0\t500\t10\t0\t5',
    '3\t45\t45\t5\t0\t600\t10\t0\t6',
    '4\t30\t70\t-10\t0\t900\t10\t1\t0',
    '5\t70\t30\t-20\t0\t900\t10\t2\t0',
    '6\t55\t55\t-5\t0\t900\t10\t3\t0',
    '',
  ].join('\n');

  it('recognises the format and reads vehicles, capacity, tasks and sibling links', () => {
    expect(isLiLim(text)).toBe(true);
    expect(isLiLim(readFileSync(`${DATA}/C101.txt`, 'utf8'))).toBe(false);
    const inst = parseLiLim(text, 'toy3');
    expect(inst).toMatchObject({ name: 'toy3', vehicles: 3, capacity: 50 });
    expect(inst.tasks[0]).toMatchObject({ id: 0, x: 50, y: 50, due: 1000 });
    for (const t of inst.tasks.slice(1)) {
      const sibling = inst.tasks.find((u) => u.id === (t.delivery || t.pickup))!;
      expect(t.delivery > 0 ? sibling.pickup : sibling.delivery).toBe(t.id);
      expect(Math.sign(t.demand)).toBe(t.delivery > 0 ? 1 : -1);
    }
  });

  it('pairs every pickup with its delivery in the solver problem', () => {
    const p = liLimToProblem(parseLiLim(text, 'toy3'));
    expect(p.jobs).toHaveLength(6);
    expect(p.pairs).toHaveLength(3);
    const paired = new Set(p.pairs!.flatMap((x) => [x.pickupIndex, x.deliveryIndex]));
    expect(paired.size).toBe(6);
  });
});
