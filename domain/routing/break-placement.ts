import { matrixOf, type RoutingProblem } from './routing.schemas.js';

const EPS = 1e-7;

/**
 * Where a vehicle's driver breaks go on a given job order, by the solver's own rule
 * (route-sim.ts), from the raw problem: for re-evaluating a stored or hand-edited route. A break
 * is taken at the first gap where it delays no service start, or where deferring it past the
 * next stop would miss its window; the last gap takes whatever is left. Returns, per break in
 * the vehicle's `breaks` order, the stops served before it (what the checker takes), or null
 * when some break cannot start inside its window on this order.
 */
export function placeBreaks(p: RoutingProblem, vehicleIndex: number, jobs: readonly number[]): number[] | null {
  const veh = p.vehicles[vehicleIndex];
  if (!veh) throw new RangeError(`unknown vehicle index ${vehicleIndex}`);
  const out = new Array<number>(veh.breaks.length).fill(jobs.length);
  if (veh.breaks.length === 0) return out;
  const n = p.matrix.n;
  const T = matrixOf(p, veh).durationS;
  const order = veh.breaks.map((b, i) => ({ b, i })).sort((x, y) => x.b.startS - y.b.startS || x.i - y.i);
  let bi = 0;
  let prev = veh.startIndex;
  let prevService = 0;
  let t = veh.shiftStartS;
  for (let k = 0; k <= jobs.length; k++) {
    const job = k < jobs.length ? p.jobs[jobs[k]] : undefined;
    const loc = job ? job.locationIndex : (veh.endIndex ?? prev);
    const ready = job?.timeWindow?.startS ?? Number.NEGATIVE_INFINITY;
    const service = job?.serviceS ?? 0;
    const dep = t + prevService;
    const drive = dep + (job || veh.endIndex !== undefined ? T[prev * n + loc] : 0);
    let arr = drive;
    let cur = dep;
    let sumDur = 0;
    while (bi < order.length) {
      const { b, i } = order[bi];
      const s = Math.max(cur, b.startS);
      if (s > b.endS + EPS) return null;
      if (job) {
        const arrNo = sumDur > 0 ? Math.max(cur, drive + sumDur) : drive;
        const startNo = Math.max(arrNo, ready);
        const startYes = Math.max(Math.max(s + b.durationS, drive + sumDur + b.durationS), ready);
        if (startYes > startNo + EPS && startNo + service <= b.endS + EPS) break;
      }
      cur = s + b.durationS;
      sumDur += b.durationS;
      out[i] = k;
      bi++;
    }
    if (sumDur > 0) arr = Math.max(cur, drive + sumDur);
    t = Math.max(arr, ready);
    prev = loc;
    prevService = service;
  }
  return out;
}
