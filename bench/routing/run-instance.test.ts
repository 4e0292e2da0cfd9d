import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../domain/routing/checker.js';
import { cvrpToProblem, parseCvrplib } from '../../domain/routing/instances/cvrplib.js';
import { parseSol } from '../../domain/routing/instances/sol-writer.js';
import { runInstance, variantLabel } from './run-instance.js';

const DATA = fileURLToPath(new URL('../data/routing', import.meta.url));

describe('runInstance', () => {
  it('solves a CVRPLIB instance and writes a .sol that an outside reader can re-check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routing-sol-'));
    const r = await runInstance(`${DATA}/X-n101-k25.vrp`, { timeLimitS: 0.3, seed: 1, solutionsDir: dir, solomon: 'hierarchical' });
    expect(r).toMatchObject({ instance: 'X-n101-k25', bks: 27591, feasible: true, seed: 1 });
    expect(r.gapPct).toBeCloseTo(((r.cost - 27591) / 27591) * 100, 1);
    const sol = parseSol(readFileSync(join(dir, 'X-n101-k25.sol'), 'utf8'));
    expect(sol.cost).toBe(r.cost);
    const problem = cvrpToProblem(parseCvrplib(readFileSync(`${DATA}/X-n101-k25.vrp`, 'utf8')));
    const report = checkSolution(
      problem,
      sol.routes.map((route, i) => ({ vehicleIndex: i, jobs: route.map((c) => c - 1) })),
    );
    expect(report.violations).toEqual([]);
    expect(report.distanceM).toBe(r.cost);
    expect(report.vehiclesUsed).toBe(r.vehicles);
  });

  it('reports Solomon distance and vehicles against the chosen convention', async () => {
    const r = await runInstance(`${DATA}/C101.txt`, { timeLimitS: 0.3, seed: 1, solomon: 'distance' });
    expect(r).toMatchObject({ instance: 'C101', bks: 827.3, bksVehicles: 10, convention: 'distance', feasible: true });
    expect(r.cost).toBeGreaterThanOrEqual(827.3 - 1e-6);
  });

  it('reads the Gehring & Homberger layout (Solomon format, CRLF, upper-case .TXT) and a bks.json beside it', async () => {
    // A made-up 20-customer file in the layout of the G&H 200-customer set (SOURCES.md says
    // where to download the real ones; they are not in the repository).
    const dir = mkdtempSync(join(tmpdir(), 'routing-gh-'));
    const rows = ['    0      35         35          0          0       1000          0'];
    for (let i = 1; i <= 20; i++) {
      const x = (i * 37) % 70;
      const y = (i * 53) % 70;
      rows.push(
        `${String(i).padStart(5)}${String(x).padStart(7)}${String(y).padStart(11)}         10${String(100 + i * 7).padStart(11)}${String(600 + i * 9).padStart(11)}         10   `,
      );
    }
    const text = [
      'C1_2_X',
      '',
      'VEHICLE',
      'NUMBER     CAPACITY',
      '  50        200',
      '',
      'CUSTOMER',
      'CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME',
      ' ',
      ...rows,
      '',
    ].join('\r\n');
    writeFileSync(join(dir, 'C1_2_X.TXT'), text);
    writeFileSync(join(dir, 'bks.json'), JSON.stringify({ C1_2_X: { bks_hierarchical: { vehicles: 2, distance: 500 } } }));
    const r = await runInstance(join(dir, 'C1_2_X.TXT'), { timeLimitS: 1, maxIterations: 300, seed: 1, solomon: 'hierarchical' });
    expect(r).toMatchObject({ instance: 'C1_2_X', bks: 500, bksVehicles: 2, convention: 'hierarchical', feasible: true });
    expect(r.gapPct).toBeCloseTo(((r.cost - 500) / 500) * 100, 1);
  });

  it('says when a variant searches on two threads (twice the CPU on the CPU clock)', async () => {
    const one = await runInstance(`${DATA}/X-n101-k25.vrp`, { timeLimitS: 0.3, seed: 1, solomon: 'hierarchical', variant: 'hgs' });
    const two = await runInstance(`${DATA}/X-n101-k25.vrp`, { timeLimitS: 0.3, seed: 1, solomon: 'hierarchical', variant: 'two-threads' });
    expect(one).toMatchObject({ threads: 1, feasible: true });
    expect(two).toMatchObject({ threads: 2, feasible: true });
    expect(variantLabel('default', 'cpu')).toBe('default (1 thread)');
    expect(variantLabel('two-threads', 'cpu')).toMatch(/^two-threads \(2 threads, .*2× the CPU of a 1-thread run\)$/);
  });
});
