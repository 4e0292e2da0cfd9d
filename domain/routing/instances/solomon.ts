import type { RoutingProblemInput } from '../routing.schemas.js';

/** A Solomon (1987) VRPTW instance; customer 0 is the depot. */
export interface SolomonInstance {
  name: string;
  vehicles: number;
  capacity: number;
  customers: { id: number; x: number; y: number; demand: number; ready: number; due: number; service: number }[];
}

/** Parses a Solomon text file (name, VEHICLE NUMBER/CAPACITY, CUSTOMER table). */
export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines.find((l) => l !== '') ?? 'unnamed';
  let vehicles = NaN;
  let capacity = NaN;
  const customers: SolomonInstance['customers'] = [];
  let mode: 'none' | 'vehicle' | 'customer' = 'none';
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith('VEHICLE')) {
      mode = 'vehicle';
      continue;
    }
    if (line.startsWith('CUSTOMER')) {
      mode = 'customer';
      continue;
    }
    if (!/^-?\d/.test(line)) continue;
    const nums = line.split(/\s+/).map(Number);
    if (mode === 'vehicle' && nums.length >= 2) {
      vehicles = nums[0];
      capacity = nums[1];
    } else if (mode === 'customer' && nums.length >= 7) {
      customers.push({ id: nums[0], x: nums[1], y: nums[2], demand: nums[3], ready: nums[4], due: nums[5], service: nums[6] });
    }
  }
  if (!Number.isFinite(vehicles) || !Number.isFinite(capacity)) throw new Error('missing VEHICLE NUMBER/CAPACITY');
  if (customers.length === 0 || customers[0].id !== 0) throw new Error('missing depot (customer 0)');
  return { name, vehicles, capacity, customers };
}

/**
 * Solomon's two cost conventions (see bench-data bks.json _meta):
 * - 'hierarchical': double-precision Euclidean distance, fewest vehicles first (a large fixed
 *   cost per vehicle makes that the primary objective);
 * - 'distance': distance only, each edge truncated to one decimal (Kohl et al. 1999).
 */
export type SolomonConvention = 'hierarchical' | 'distance';

export function solomonDistance(a: { x: number; y: number }, b: { x: number; y: number }, conv: SolomonConvention): number {
  const d = Math.hypot(a.x - b.x, a.y - b.y);
  return conv === 'distance' ? Math.floor(d * 10) / 10 : d;
}

/** Builds a solver problem: travel time = distance, shift = depot window, fleet = the file's vehicle number. */
export function solomonToProblem(
  inst: SolomonInstance,
  conv: SolomonConvention,
  vehicleFixedCost = conv === 'hierarchical' ? 1e5 : 0,
): RoutingProblemInput {
  const cs = inst.customers;
  const n = cs.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = solomonDistance(cs[i], cs[j], conv);
  const depot = cs[0];
  const jobs = cs.slice(1).map((c, k) => ({
    id: String(c.id),
    locationIndex: k + 1,
    weightG: c.demand,
    serviceS: c.service,
    timeWindow: { startS: c.ready, endS: c.due },
  }));
  const vehicles = Array.from({ length: inst.vehicles }, (_, k) => ({
    id: `v${k + 1}`,
    startIndex: 0,
    endIndex: 0,
    capacityWeightG: inst.capacity,
    costPerKm: 1000,
    fixedCost: vehicleFixedCost,
    shiftStartS: depot.ready,
    shiftEndS: depot.due,
  }));
  return { matrix: { n, distanceM: d, durationS: d }, vehicles, jobs };
}
