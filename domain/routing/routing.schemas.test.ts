import { describe, expect, it } from 'vitest';
import { routingProblemSchema, vehicleSchema } from './routing.schemas.js';

describe('routing schemas', () => {
  const base = { id: 'v', startIndex: 0, endIndex: 0, capacityWeightG: 100 };

  it('fills defaults: unlimited volume and shift, no costs, nothing locked', () => {
    expect(vehicleSchema.parse(base)).toMatchObject({
      capacityVolumeCm3: Infinity,
      shiftStartS: 0,
      shiftEndS: Infinity,
      costPerKm: 0,
      fixedCost: 0,
      lockedJobs: [],
    });
  });

  it('accepts Infinity as "no limit" and rejects negative capacities', () => {
    expect(vehicleSchema.safeParse({ ...base, shiftEndS: Infinity, capacityVolumeCm3: Infinity }).success).toBe(true);
    expect(vehicleSchema.safeParse({ ...base, capacityWeightG: -1 }).success).toBe(false);
    expect(vehicleSchema.safeParse({ ...base, shiftEndS: Number.NaN }).success).toBe(false);
  });

  it('accepts typed-array matrices and needs at least one vehicle', () => {
    const matrix = { n: 1, distanceM: new Float64Array(1), durationS: [0] };
    expect(routingProblemSchema.safeParse({ matrix, vehicles: [base], jobs: [] }).success).toBe(true);
    expect(routingProblemSchema.safeParse({ matrix, vehicles: [], jobs: [] }).success).toBe(false);
    expect(routingProblemSchema.safeParse({ matrix: { ...matrix, distanceM: 'x' }, vehicles: [base], jobs: [] }).success).toBe(false);
  });
});
