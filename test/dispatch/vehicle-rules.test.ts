import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVehicles } from '../../domain/dispatch/day-loader.js';
import { fullProblem, indexDay } from '../../domain/dispatch/plan-problem.js';
import { checkedRoutes, checkSolution } from '../../domain/routing/checker.js';
import { GreatCircleMatrixProvider } from '../../domain/routing/matrix/great-circle.js';
import { solve } from '../../domain/routing/solver.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

let sys: TestSystem;
let dispatcher: TestUser;

beforeAll(async () => {
  sys = await startTestSystem();
  dispatcher = await sys.user('disp', ['dispatcher'], [sys.wh1]);
});
afterAll(async () => {
  await sys?.close();
});

const base = () => ({
  warehouseId: sys.wh1,
  name: 'Reefer van',
  capacityWeightG: 800_000,
  capacityVolumeMm3: 9_000_000_000,
  costPerKmMinor: 40,
  costPerHourMinor: 2500,
  fixedCostMinor: 3000,
  shiftStartS: 6 * 3600,
  shiftEndS: 15 * 3600,
  depotLat: 52.52,
  depotLng: 13.405,
});

describe('vehicles with the rules of a real fleet', () => {
  it('stores pallets, skills, breaks, max distance and open routes, and hands them to the solver', async () => {
    const res = await http('POST', `${sys.url}/v1/vehicles`, {
      token: dispatcher.token,
      body: {
        ...base(),
        code: 'REEFER-1',
        capacityPallets: 6,
        skills: ['refrigerated', 'tail_lift'],
        breaks: [{ id: 'lunch', startS: 11 * 3600, endS: 13 * 3600, durationS: 1800 }],
        maxDistanceM: 180_000,
        openRoute: true,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      capacityPallets: 6,
      skills: ['refrigerated', 'tail_lift'],
      breaks: [{ id: 'lunch', startS: 39_600, endS: 46_800, durationS: 1800 }],
      maxDistanceM: 180_000,
      openRoute: true,
    });

    const [v] = await loadVehicles(sys.rt.orm.em.fork(), [res.body.id]);
    const shipments = [0, 1, 2].map((k) => ({
      id: `s${k}`,
      lat: 52.5 + k * 0.01,
      lng: 13.4,
      windowStartS: null,
      windowEndS: null,
      serviceTimeS: 300,
      weightG: 1000,
      volumeMm3: 1000,
    }));
    const day = { vehicles: [v], shipments, locked: {} };
    const ix = indexDay(day);
    const problem = fullProblem(day, ix, await new GreatCircleMatrixProvider().matrix(ix.points));
    expect(problem.vehicles[0]).toMatchObject({
      endIndex: undefined,
      capacityPallets: 6,
      maxDistanceM: 180_000,
      skills: ['refrigerated', 'tail_lift'],
    });
    const s = solve(problem, { seed: 1, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 50 });
    expect(s.unassigned).toEqual([]);
    expect(s.routes[0].breaks).toHaveLength(1);
    expect(checkSolution(problem, checkedRoutes(s)).violations).toEqual([]);
  });

  it('rejects an unknown skill and a break outside the shift, naming the field', async () => {
    const badSkill = await http('POST', `${sys.url}/v1/vehicles`, {
      token: dispatcher.token,
      body: { ...base(), code: 'BAD-1', skills: ['teleport'] },
    });
    expect(badSkill.status).toBe(400);
    expect(JSON.stringify(badSkill.body.errors)).toContain('skills');
    const badBreak = await http('POST', `${sys.url}/v1/vehicles`, {
      token: dispatcher.token,
      body: { ...base(), code: 'BAD-2', breaks: [{ id: 'late', startS: 20 * 3600, endS: 21 * 3600, durationS: 1800 }] },
    });
    expect(badBreak.status).toBe(400);
    expect(JSON.stringify(badBreak.body.errors)).toContain('breaks');
  });

  it('takes the fuel its routes CO2e is computed with (diesel unless said), and names the field of an unknown one', async () => {
    const ev = await http('POST', `${sys.url}/v1/vehicles`, {
      token: dispatcher.token,
      body: { ...base(), code: 'EV-FUEL-1', fuel: 'electric' },
    });
    expect(ev.status).toBe(201);
    expect(ev.body.fuel).toBe('electric');
    const plain = await http('POST', `${sys.url}/v1/vehicles`, { token: dispatcher.token, body: { ...base(), code: 'DSL-FUEL-1' } });
    expect(plain.body.fuel).toBe('diesel');
    const listed = await http('GET', `${sys.url}/v1/vehicles?warehouseId=${sys.wh1}`, { token: dispatcher.token });
    expect(listed.body.items.find((v: any) => v.code === 'EV-FUEL-1').fuel).toBe('electric');
    const bad = await http('POST', `${sys.url}/v1/vehicles`, {
      token: dispatcher.token,
      body: { ...base(), code: 'H2-1', fuel: 'hydrogen' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(bad.body.errors)).toContain('fuel');
  });
});
