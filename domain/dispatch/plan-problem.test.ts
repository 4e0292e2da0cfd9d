import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../routing/checker.js';
import { evaluateRoute } from '../routing/describe.js';
import { GreatCircleMatrixProvider } from '../routing/matrix/great-circle.js';
import { solve } from '../routing/solver.js';
import { demoDeliveries, demoFleet, DEMO_DEPOT } from '../../scripts/seed/dispatch.seed.js';
import { assembleDay, fullProblem, indexDay, initialRoutes, solverProblem, type DayPlanInput } from './plan-problem.js';

function day(stops: number, seed: number, vehicles = 4): DayPlanInput {
  return {
    vehicles: demoFleet()
      .slice(0, vehicles)
      .map((v, i) => ({ ...v, id: `veh-${i}`, depotLat: DEMO_DEPOT.lat, depotLng: DEMO_DEPOT.lng })),
    shipments: demoDeliveries(stops, seed).map((d, k) => ({ ...d, id: `shp-${String(k).padStart(3, '0')}` })),
    locked: {},
  };
}

const gc = new GreatCircleMatrixProvider({ defaultArea: 'urban' });

describe('delivery day → solver problem', () => {
  it('puts the shared depot once, then one row per shipment; converts mm³ to cm³', () => {
    const input = day(5, 1, 3);
    const ix = indexDay(input);
    expect(ix.points).toHaveLength(6);
    expect(ix.depotIndexOf).toEqual([0, 0, 0]);
    const full = fullProblem(input, ix, gc.compute(ix.points));
    expect(full.jobs[2]).toMatchObject({ id: 'shp-002', locationIndex: 3, volumeCm3: input.shipments[2]!.volumeMm3 / 1000 });
    expect(full.vehicles[0]!.capacityVolumeCm3).toBe(12e6);
  });

  it('re-solving after a breakdown keeps locked stops first, in order; every shipment is routed or reported once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 4 }), (seed, lockN) => {
        const input = day(24, seed);
        let ix = indexDay(input);
        let full = fullProblem(input, ix, gc.compute(ix.points));
        const first = assembleDay(input, ix, full, solve(solverProblem(input, ix, full), { seed, maxIterations: 100, timeLimitS: 30 }));
        // The first route is dispatched up to lockN stops; the last used vehicle breaks down.
        const kept = first.routes[0]!;
        const broken = first.routes.at(-1)!.vehicleId;
        const lockedIds = kept.stops.slice(0, lockN).map((s) => s.jobId);
        const next: DayPlanInput = {
          ...input,
          vehicles: input.vehicles.filter((v) => v.id !== broken || v.id === kept.vehicleId),
          locked: { [kept.vehicleId]: lockedIds },
        };
        ix = indexDay(next);
        full = fullProblem(next, ix, gc.compute(ix.points));
        const out = assembleDay(next, ix, full, solve(solverProblem(next, ix, full), { seed, maxIterations: 100, timeLimitS: 30 }));
        const route = out.routes.find((r) => r.vehicleId === kept.vehicleId)!;
        expect(route.stops.slice(0, lockedIds.length).map((s) => s.jobId)).toEqual(lockedIds);
        expect(route.lockedCount).toBe(lockedIds.length);
        const seen = [...out.routes.flatMap((r) => r.stops.map((s) => s.jobId)), ...out.unassignedShipmentIds].sort();
        expect(seen).toEqual(input.shipments.map((s) => s.id));
        const report = checkSolution(
          full,
          out.routes.map((r) => ({ vehicleIndex: r.vehicleIndex, jobs: r.stops.map((s) => s.jobIndex) })),
          { allowUnassigned: true },
        );
        expect(report.violations).toEqual([]);
        expect(out.cost).toBeCloseTo(report.cost, 6);
      }),
      { numRuns: 6 },
    );
  });

  it('maps the current plan to a warm start by shipment id', () => {
    const input = day(6, 3, 2);
    const ix = indexDay(input);
    const full = fullProblem(input, ix, gc.compute(ix.points));
    expect(initialRoutes(full, ix, { 'veh-1': ['shp-004', 'gone', 'shp-001'] })).toEqual([{ vehicleIndex: 1, jobs: [4, 1] }]);
  });

  it('gives the planned routes to the first interchangeable vehicles in fleet order; locked or different vehicles keep theirs', () => {
    // veh-0..2: three identical large vans; veh-3: a medium van.
    const input = day(6, 3, 4);
    const ix = indexDay(input);
    const full = fullProblem(input, ix, gc.compute(ix.points));
    const route = (vehicleId: string, ids: string[]) => ({ vehicleId, stops: ids.map((jobId) => ({ jobId })) });
    const solution = {
      routes: [route('veh-2', ['shp-000', 'shp-001']), route('veh-3', ['shp-002']), route('veh-1', ['shp-003'])],
      unassigned: [],
    } as unknown as Parameters<typeof assembleDay>[3];
    const out = assembleDay(input, ix, full, solution);
    const byVehicle = Object.fromEntries(out.routes.map((r) => [r.vehicleId, r.stops.map((x) => x.jobId)]));
    // Fleet order kept among the vans used (veh-1's route first, then veh-2's), on veh-0 and veh-1.
    expect(byVehicle).toEqual({ 'veh-0': ['shp-003'], 'veh-1': ['shp-000', 'shp-001'], 'veh-3': ['shp-002'] });
    // Same cost as the solver's own assignment.
    const asSolved = [evaluateRoute(full, 2, [0, 1]), evaluateRoute(full, 3, [2]), evaluateRoute(full, 1, [3])];
    expect(out.cost).toBeCloseTo(
      asSolved.reduce((a, r) => a + r.cost, 0),
      6,
    );

    // A vehicle with locked stops is not interchangeable: its route stays on it.
    const locked = { ...input, locked: { 'veh-2': ['shp-000'] } };
    const lockedOut = assembleDay(locked, indexDay(locked), full, solution);
    expect(lockedOut.routes.map((r) => r.vehicleId).sort()).toEqual(['veh-0', 'veh-2', 'veh-3']);
  });
});
