import type { Model } from './model.js';

/**
 * Full O(m) feasibility of one vehicle's job sequence under every rule of the model: skills,
 * the load profile in three dimensions (deliveries leave the depot on board, pair pickups load,
 * pair deliveries unload), pair precedence on one route, time windows, driver breaks, shift end,
 * maximum duration and maximum distance. The hot loops keep their O(1) necessary checks
 * (forward/backward time slack, depot loads) and call this only for candidates that pass them
 * when `model.complex` is set.
 *
 * Break rule (the checker applies the same timing from the break positions reported): a break
 * placed between stop k and stop k+1 starts at max(departure from k, window start), as the
 * vehicle may stop wherever it is, and delays the arrival at k+1 to
 * max(break end, departure + travel + break duration). Placement is greedy: a break is taken at
 * the first gap where it costs no delay at the next service start, or where deferring it would
 * miss its window; the last gap takes whatever is left.
 */

export const SIM_OK = 0;
export const SIM_SKILLS = 1;
export const SIM_CAPACITY = 2;
export const SIM_PRECEDENCE = 3;
export const SIM_TIME_WINDOW = 4;
export const SIM_BREAK = 5;
export const SIM_SHIFT = 6;
export const SIM_DISTANCE = 7;

const EPS = 1e-7;
let stamp = 0;
let mark = new Int32Array(0);

/**
 * Simulates `seq[0..len)` on vehicle v; returns SIM_OK or the first rule broken. When
 * `breakPos` is given, breakPos[i] receives the gap (stops served before it) of the vehicle's
 * i-th break in window order.
 */
export function simulateRoute(m: Model, v: number, seq: ArrayLike<number>, len: number, breakPos?: Int32Array): number {
  if (len === 0) return SIM_OK;
  if (mark.length < m.N) mark = new Int32Array(m.N);
  if (++stamp === 0x7fffffff) {
    stamp = 1;
    mark.fill(0);
  }
  const vs = m.vSkill[v];
  let w = 0;
  let vol = 0;
  let pal = 0;
  let open = 0;
  for (let i = 0; i < len; i++) {
    const x = seq[i];
    if ((m.jSkill[x] & ~vs) !== 0) return SIM_SKILLS;
    w += m.weight[x];
    vol += m.volume[x];
    pal += m.pallets[x];
    const q = m.partner[x];
    if (q >= 0) {
      if (m.isPickup[x]) {
        mark[x] = stamp;
        open++;
      } else {
        if (mark[q] !== stamp) return SIM_PRECEDENCE;
        open--;
      }
    }
  }
  if (open !== 0) return SIM_PRECEDENCE;
  const capW = m.vCapW[v] + 1e-9;
  const capV = m.vCapV[v] + 1e-9;
  const capP = m.vCapP[v] + 1e-9;
  if (w > capW || vol > capV || pal > capP) return SIM_CAPACITY;

  const N = m.N;
  const { ready, due, service } = m;
  const time = m.vTime[v];
  const dist = m.vDist[v];
  const bFirst = m.vBreakOff[v];
  const bLast = m.vBreakOff[v + 1];
  let bi = bFirst;
  let prev = m.vStart[v];
  let t = m.vShiftStart[v];
  let d = 0;
  for (let k = 0; k <= len; k++) {
    const x = k < len ? seq[k] : m.vEnd[v];
    const a = prev * N + x;
    const dep = t + service[prev];
    const drive = dep + time[a];
    let arr = drive;
    if (bi < bLast) {
      let cur = dep;
      let sumDur = 0;
      while (bi < bLast) {
        const s = cur > m.bStart[bi] ? cur : m.bStart[bi];
        if (s > m.bEnd[bi] + EPS) return SIM_BREAK;
        if (k < len) {
          const arrNo = sumDur > 0 ? Math.max(cur, drive + sumDur) : drive;
          const startNo = arrNo > ready[x] ? arrNo : ready[x];
          const arrYes = Math.max(s + m.bDur[bi], drive + sumDur + m.bDur[bi]);
          const startYes = arrYes > ready[x] ? arrYes : ready[x];
          // Defer when taking it here delays the next service and it still fits after that stop.
          if (startYes > startNo + EPS && startNo + service[x] <= m.bEnd[bi] + EPS) break;
        }
        cur = s + m.bDur[bi];
        sumDur += m.bDur[bi];
        if (breakPos) breakPos[m.bIndex[bi]] = k;
        bi++;
      }
      if (sumDur > 0) arr = Math.max(cur, drive + sumDur);
    }
    t = arr < ready[x] ? ready[x] : arr;
    if (t > due[x] + EPS) return SIM_TIME_WINDOW;
    d += dist[a];
    if (k < len && m.hasPairs) {
      // Load after stop k: deliveries unload, pair pickups load.
      w += m.pairW[x] - m.weight[x];
      vol += m.pairV[x] - m.volume[x];
      pal += m.pairP[x] - m.pallets[x];
      if (w > capW || vol > capV || pal > capP) return SIM_CAPACITY;
    }
    prev = x;
  }
  if (t > m.vLatestEnd[v] + EPS) return SIM_SHIFT;
  if (d > m.vMaxDist[v] + EPS) return SIM_DISTANCE;
  return SIM_OK;
}

/** Scratch buffer for building candidate sequences without allocating in the hot loops. */
let buf = new Int32Array(64);

/** Sequence of route `nodes` with job j inserted before index pos-1 (1-based position), simulated on vehicle v. */
export function simulateInsert(m: Model, v: number, nodes: number[], pos: number, j: number): number {
  const len = nodes.length + 1;
  if (buf.length < len) buf = new Int32Array(2 * len);
  let o = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (i === pos - 1) buf[o++] = j;
    buf[o++] = nodes[i];
  }
  if (pos - 1 >= nodes.length) buf[o] = j;
  return simulateRoute(m, v, buf, len);
}

/** Checks an explicit node list (any length) on vehicle v. */
export function simulateNodes(m: Model, v: number, nodes: number[]): number {
  return simulateRoute(m, v, nodes, nodes.length);
}
