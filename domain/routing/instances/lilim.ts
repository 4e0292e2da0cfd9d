import type { RoutingProblemInput } from '../routing.schemas.js';

/** A Li & Lim (2001) PDPTW instance in SINTEF TOP text format; task 0 is the depot. */
export interface LiLimInstance {
  name: string;
  vehicles: number;
  capacity: number;
  tasks: {
    id: number;
    x: number;
    y: number;
    demand: number;
    ready: number;
    due: number;
    service: number;
    pickup: number;
    delivery: number;
  }[];
}

/** True when the text looks like a Li & Lim file: a first line of three numbers, then 9-column task lines. */
export function isLiLim(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length > 1 && /^\s*\d+\s+\d+\s+\d+\s*$/.test(lines[0]) && lines[1].trim().split(/\s+/).length === 9;
}

/** Parses the header (vehicles, capacity, speed) and the task table. */
export function parseLiLim(text: string, name = 'unnamed'): LiLimInstance {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const [vehicles, capacity] = lines[0].trim().split(/\s+/).map(Number);
  const tasks = lines.slice(1).map((l) => {
    const [id, x, y, demand, ready, due, service, pickup, delivery] = l.trim().split(/\s+/).map(Number);
    return { id, x, y, demand, ready, due, service, pickup, delivery };
  });
  if (!Number.isFinite(vehicles) || !Number.isFinite(capacity)) throw new Error('missing vehicles/capacity header');
  if (tasks.length === 0 || tasks[0].id !== 0) throw new Error('missing depot (task 0)');
  return { name, vehicles, capacity, tasks };
}

/**
 * Builds a solver problem: one job per task, a pair per request (a pickup task names its
 * delivery sibling), double-precision Euclidean distance = travel time, the depot's window as
 * the shift, the file's vehicle number, and a large fixed cost per vehicle so that the fleet
 * size comes first (the benchmark's hierarchical objective).
 */
export function liLimToProblem(inst: LiLimInstance, vehicleFixedCost = 1e5): RoutingProblemInput {
  const ts = inst.tasks;
  const n = ts.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = Math.hypot(ts[i].x - ts[j].x, ts[i].y - ts[j].y);
  const jobOfTask = new Map(ts.slice(1).map((t, k) => [t.id, k]));
  const jobs = ts.slice(1).map((t, k) => ({
    id: String(t.id),
    locationIndex: k + 1,
    // Both ends of a pair carry the goods (the model loads them at the pickup, unloads at the delivery).
    weightG: Math.abs(t.demand),
    serviceS: t.service,
    timeWindow: { startS: t.ready, endS: t.due },
  }));
  const pairs = ts
    .slice(1)
    .filter((t) => t.delivery > 0)
    .map((t) => ({ pickupIndex: jobOfTask.get(t.id)!, deliveryIndex: jobOfTask.get(t.delivery)! }));
  const depot = ts[0];
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
  return { matrix: { n, distanceM: d, durationS: d }, vehicles, jobs, pairs };
}
