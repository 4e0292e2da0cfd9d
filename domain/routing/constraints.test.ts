import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkedRoutes, checkSolution, type CheckedRoute } from './checker.js';
import { randomProblem } from './random-problem.js';
import type { RoutingProblemInput } from './routing.schemas.js';
import { solve } from './solver.js';

// Points on a line 0..5 km apart, 100 s per km; location 0 is the depot.
function fleetProblem(): RoutingProblemInput {
  const n = 6;
  const d: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      d.push(Math.abs(i - j) * 1000);
      t.push(Math.abs(i - j) * 100);
    }
  return {
    matrix: { n, distanceM: d, durationS: t },
    vehicles: [
      {
        id: 'a',
        startIndex: 0,
        endIndex: 0,
        capacityWeightG: 10,
        capacityPallets: 4,
        skills: ['refrigerated'],
        breaks: [{ id: 'lunch', startS: 300, endS: 600, durationS: 100 }],
        maxDistanceM: 20_000,
        shiftStartS: 0,
        shiftEndS: 5000,
        costPerKm: 10,
      },
      // Open route: ends at its last stop.
      { id: 'b', startIndex: 0, capacityWeightG: 10, capacityPallets: 4, costPerKm: 10 },
    ],
    jobs: [
      { id: 'j0', locationIndex: 1, weightG: 3, pallets: 1, skills: ['refrigerated'] },
      { id: 'j1', locationIndex: 2, weightG: 3, pallets: 1, timeWindow: { startS: 200, endS: 800 } },
      { id: 'j2', locationIndex: 3, weightG: 2, pallets: 2 },
      { id: 'j3', locationIndex: 4, weightG: 2, pallets: 2 },
      { id: 'j4', locationIndex: 5, optional: true, dropPenalty: 5 },
    ],
    pairs: [{ pickupIndex: 2, deliveryIndex: 3 }],
  };
}

const plan = (): CheckedRoute[] => [
  { vehicleIndex: 0, jobs: [0, 1], breaks: [1] },
  { vehicleIndex: 1, jobs: [2, 3] },
];

describe('checkSolution with the rules of a real fleet', () => {
  it('accepts a plan that keeps every rule, prices the dropped optional stop and ends open routes at the last stop', () => {
    const r = checkSolution(fleetProblem(), plan());
    expect(r.violations).toEqual([]);
    expect(r.dropPenalty).toBe(5);
    // a: 0→1→2→0 = 4 km; b: 0→3→4 = 4 km, no way back.
    expect(r.distanceM).toBe(8000);
    // a: arrive j0 at 100, lunch 300–400, j1 at 400, back at 600. b: at j3 at 400, done.
    expect(r.durationS).toBe(600 + 400);
  });

  const broken: { rule: string; expect: string; change: (p: RoutingProblemInput, plan: CheckedRoute[]) => void }[] = [
    { rule: 'weight', expect: 'weight 6 exceeds capacity 5', change: (p) => (p.vehicles[0].capacityWeightG = 5) },
    {
      rule: 'pallets of a pickup',
      expect: 'pallets 2 exceed capacity 1 of b after picking up j2',
      change: (p) => (p.vehicles[1].capacityPallets = 1),
    },
    {
      rule: 'skills',
      expect: 'job j0 needs skill refrigerated that b lacks',
      change: (_p, pl) => {
        pl[0].jobs = [1];
        pl[0].breaks = [0];
        pl[1].jobs = [0, 2, 3];
      },
    },
    {
      rule: 'break window',
      expect: 'break lunch starts at 100.00 after its window ends 90',
      change: (p) => (p.vehicles[0].breaks = [{ id: 'lunch', startS: 50, endS: 90, durationS: 100 }]),
    },
    { rule: 'break not placed', expect: 'vehicle a has 1 breaks, 0 placed', change: (_p, pl) => delete pl[0].breaks },
    { rule: 'max distance', expect: 'distance 4000 m exceeds 3000 m', change: (p) => (p.vehicles[0].maxDistanceM = 3000) },
    { rule: 'max duration', expect: 'duration 600 s exceeds 500 s', change: (p) => (p.vehicles[0].maxDurationS = 500) },
    { rule: 'shift end', expect: 'returns at 600.00 after shift end 550', change: (p) => (p.vehicles[0].shiftEndS = 550) },
    {
      rule: 'time window',
      expect: 'job j1 starts at 400.00 after its window ends 350',
      change: (p) => (p.jobs[1].timeWindow = { startS: 200, endS: 350 }),
    },
    { rule: 'pair precedence', expect: 'pair j2→j3: delivery before pickup', change: (_p, pl) => (pl[1].jobs = [3, 2]) },
    {
      rule: 'pair on one route',
      expect: 'pair j2→j3: pickup and delivery on different routes',
      change: (_p, pl) => {
        pl[0].jobs = [0, 1, 2];
        pl[1].jobs = [3];
      },
    },
    { rule: 'mandatory stop', expect: 'job j1 not visited', change: (_p, pl) => (pl[0].jobs = [0]) },
  ];
  for (const b of broken) {
    it(`rejects a plan that breaks the ${b.rule} rule`, () => {
      const p = fleetProblem();
      const pl = plan();
      b.change(p, pl);
      const r = checkSolution(p, pl);
      expect(r.feasible).toBe(false);
      expect(r.violations.some((v) => v.includes(b.expect))).toBe(true);
    });
  }
});

describe('solve with the rules of a real fleet', () => {
  it('never breaks a rule: the checker accepts every plan, costs agree and each dropped stop has a reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), (seed, timeWindows) => {
        const p = randomProblem(seed, { jobs: 28, vehicles: 6, timeWindows, heterogeneous: true, realFleet: true });
        const s = solve(p, { seed, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 120 });
        const report = checkSolution(p, checkedRoutes(s), { allowUnassigned: true });
        expect(report.violations).toEqual([]);
        expect(s.cost).toBeCloseTo(report.cost, 6);
        expect(s.distanceM).toBeCloseTo(report.distanceM, 6);
        expect(s.durationS).toBeCloseTo(report.durationS, 6);
        for (const u of s.unassigned) expect(u.reason).toBeDefined();
        const served = s.routes.reduce((a, r) => a + r.stops.length, 0);
        expect(served + s.unassigned.length).toBe(p.jobs.length);
        for (const r of s.routes)
          for (const b of r.breaks) expect(b.endS - b.startS).toBe(p.vehicles[r.vehicleIndex].breaks![b.breakIndex].durationS);
      }),
      { numRuns: 6, seed: 17 },
    );
  });

  it('solves the hand-made fleet day: lunch in its window, pair in order, the far optional stop dropped as not worth its penalty', () => {
    const p = fleetProblem();
    const s = solve(p, { seed: 1, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 200 });
    expect(checkSolution(p, checkedRoutes(s)).violations).toEqual([]);
    expect(s.unassigned).toEqual([{ jobIndex: 4, jobId: 'j4', reason: 'penalty_cheaper', penalty: 5 }]);
    expect(s.dropPenalty).toBe(5);
    const a = s.routes.find((r) => r.vehicleId === 'a');
    expect(a?.breaks).toHaveLength(1);
    expect(a!.breaks[0].startS).toBeGreaterThanOrEqual(300);
    expect(a!.breaks[0].startS).toBeLessThanOrEqual(600);
  });

  it('serves an optional stop when its penalty outweighs the detour', () => {
    const p = fleetProblem();
    p.jobs[4].dropPenalty = 1e6;
    const s = solve(p, { seed: 1, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 200 });
    expect(s.unassigned).toEqual([]);
    expect(checkSolution(p, checkedRoutes(s)).violations).toEqual([]);
  });

  it('names the rule that keeps a stop off every route', () => {
    const p = fleetProblem();
    p.jobs[0].skills = ['hazmat'];
    p.jobs[1].pallets = 9;
    const s = solve(p, { seed: 1, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 100 });
    const reasons = Object.fromEntries(s.unassigned.map((u) => [u.jobId, u.reason]));
    expect(reasons).toMatchObject({ j0: 'skills', j1: 'capacity' });
  });

  it('drops the lower-priority stop when the day cannot hold both', () => {
    const p = fleetProblem();
    p.vehicles = [{ id: 'solo', startIndex: 0, endIndex: 0, capacityWeightG: 5 }];
    p.pairs = [];
    p.jobs = [
      { id: 'low', locationIndex: 1, weightG: 5, priority: 0 },
      { id: 'high', locationIndex: 5, weightG: 5, priority: 3 },
    ];
    const s = solve(p, { seed: 1, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 100 });
    expect(s.routes.map((r) => r.stops.map((x) => x.jobId))).toEqual([['high']]);
    expect(s.unassigned).toEqual([{ jobIndex: 0, jobId: 'low', reason: 'no_room' }]);
  });
});

describe('vehicle profiles', () => {
  // The truck drives the same roads at half the van's speed.
  function profiled(): RoutingProblemInput {
    const p = fleetProblem();
    p.pairs = [];
    const m = p.matrix;
    const slow = { n: m.n, distanceM: m.distanceM, durationS: Array.from(m.durationS as number[], (t) => 2 * t) };
    p.matrices = { truck: slow };
    p.vehicles = [
      { id: 'truck', startIndex: 0, endIndex: 0, capacityWeightG: 100, profile: 'truck', costPerKm: 1 },
      // The van has room for one stop only.
      { id: 'van', startIndex: 0, endIndex: 0, capacityWeightG: 1, costPerKm: 5 },
    ];
    // 5 km out: the van is there at 500 s, the truck only at 1000 s.
    p.jobs = [
      { id: 'urgent', locationIndex: 5, weightG: 1, timeWindow: { startS: 0, endS: 600 } },
      { id: 'any', locationIndex: 1, weightG: 1 },
    ];
    return p;
  }

  it('times each vehicle on its own profile: the checker rejects the truck for a stop only the van reaches in time', () => {
    expect(
      checkSolution(profiled(), [
        { vehicleIndex: 1, jobs: [0] },
        { vehicleIndex: 0, jobs: [1] },
      ]).violations,
    ).toEqual([]);
    const r = checkSolution(profiled(), [
      { vehicleIndex: 0, jobs: [0] },
      { vehicleIndex: 1, jobs: [1] },
    ]);
    expect(r.violations.some((v) => v.includes('job urgent starts at 1000.00'))).toBe(true);
  });

  it('sends the urgent stop with the van and the other with the truck', () => {
    const p = profiled();
    const s = solve(p, { seed: 1, timeLimitS: Number.POSITIVE_INFINITY, maxIterations: 200 });
    expect(checkSolution(p, checkedRoutes(s)).violations).toEqual([]);
    const on = Object.fromEntries(s.routes.flatMap((r) => r.stops.map((x) => [x.jobId, r.vehicleId])));
    expect(on).toEqual({ urgent: 'van', any: 'truck' });
    expect(s.routes.find((r) => r.vehicleId === 'truck')!.durationS).toBe(400);
  });

  it('rejects a vehicle whose profile has no matrix', () => {
    const p = profiled();
    p.vehicles[0].profile = 'bike';
    expect(() => solve(p, { maxIterations: 1, timeLimitS: 1 })).toThrow(/no matrix for profile bike/);
  });
});
