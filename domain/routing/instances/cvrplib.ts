import type { RoutingProblemInput } from '../routing.schemas.js';

/** A CVRPLIB / TSPLIB CVRP instance (EUC_2D). Node ids are the file's (1-based); arrays are 0-based by node order. */
export interface CvrpInstance {
  name: string;
  capacity: number;
  /** [x, y] per node in file order. */
  coords: [number, number][];
  demands: number[];
  /** 0-based index of the depot node. */
  depot: number;
  /** File node id per 0-based index (usually index + 1). */
  nodeIds: number[];
}

/** Parses a TSPLIB-format `.vrp` text (EUC_2D, CAPACITY, NODE_COORD_SECTION, DEMAND_SECTION, DEPOT_SECTION). */
export function parseCvrplib(text: string): CvrpInstance {
  const lines = text.split(/\r?\n/);
  const header = new Map<string, string>();
  const coordsById = new Map<number, [number, number]>();
  const demandById = new Map<number, number>();
  const depots: number[] = [];
  let section = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line === 'EOF') continue;
    const colon = line.indexOf(':');
    if (/^[A-Z_]+\s*:/.test(line)) {
      header.set(
        line.slice(0, colon).trim(),
        line
          .slice(colon + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
      section = '';
      continue;
    }
    if (/^[A-Z_]+$/.test(line)) {
      section = line;
      continue;
    }
    const parts = line.split(/\s+/).map(Number);
    if (section === 'NODE_COORD_SECTION') coordsById.set(parts[0], [parts[1], parts[2]]);
    else if (section === 'DEMAND_SECTION') demandById.set(parts[0], parts[1]);
    else if (section === 'DEPOT_SECTION') {
      for (const id of parts) if (id >= 0) depots.push(id);
    }
  }
  const ewt = header.get('EDGE_WEIGHT_TYPE');
  if (ewt !== undefined && ewt !== 'EUC_2D') throw new Error(`unsupported EDGE_WEIGHT_TYPE ${ewt}`);
  const capacity = Number(header.get('CAPACITY'));
  if (!Number.isFinite(capacity)) throw new Error('missing CAPACITY');
  const nodeIds = [...coordsById.keys()].sort((a, b) => a - b);
  const dim = Number(header.get('DIMENSION') ?? nodeIds.length);
  if (nodeIds.length !== dim) throw new Error(`DIMENSION ${dim} but ${nodeIds.length} coordinates`);
  const depotId = depots[0] ?? nodeIds[0];
  return {
    name: header.get('NAME') ?? 'unnamed',
    capacity,
    coords: nodeIds.map((id) => coordsById.get(id)!),
    demands: nodeIds.map((id) => demandById.get(id) ?? 0),
    depot: nodeIds.indexOf(depotId),
    nodeIds,
  };
}

/** TSPLIB EUC_2D: nint of the Euclidean distance (Reinelt 1991, TSPLIB 95 doc, section 2.1). */
export function euc2d(a: [number, number], b: [number, number]): number {
  return Math.round(Math.hypot(a[0] - b[0], a[1] - b[1]));
}

/**
 * Turns a CVRP instance into a solver problem: distance = duration = rounded Euclidean, cost per
 * unit distance 1 (costPerKm 1000 on metres), one vehicle per customer (unbounded fleet).
 * Job i is the i-th non-depot node in file order.
 */
export function cvrpToProblem(inst: CvrpInstance): RoutingProblemInput {
  const n = inst.coords.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = euc2d(inst.coords[i], inst.coords[j]);
  const jobs = [];
  for (let i = 0; i < n; i++) {
    if (i === inst.depot) continue;
    jobs.push({ id: String(inst.nodeIds[i]), locationIndex: i, weightG: inst.demands[i] });
  }
  const vehicles = jobs.map((_, k) => ({
    id: `v${k + 1}`,
    startIndex: inst.depot,
    endIndex: inst.depot,
    capacityWeightG: inst.capacity,
    costPerKm: 1000,
  }));
  return { matrix: { n, distanceM: d, durationS: d }, vehicles, jobs, coordinates: inst.coords.map(([x, y]) => [x, y]) };
}
