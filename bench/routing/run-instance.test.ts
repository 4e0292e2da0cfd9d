import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../domain/routing/checker.js';
import { cvrpToProblem, parseCvrplib } from '../../domain/routing/instances/cvrplib.js';
import { parseSol } from '../../domain/routing/instances/sol-writer.js';
import { runInstance } from './run-instance.js';

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
});
