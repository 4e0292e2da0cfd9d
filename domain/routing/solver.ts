import { compileModel, type Model } from './model.js';
import { Rng } from './prng.js';
import { regretInsertion } from './construction.js';
import { minimizeFleet } from './fleet-min.js';
import { localSearch } from './local-search.js';
import { recreate } from './recreate.js';
import { ruin } from './ruin.js';
import { describeRoutes, type PlannedRoute } from './describe.js';
import { reduceLocked } from './locked-prefix.js';
import { routingProblemSchema, type RoutingProblem, type RoutingProblemInput, type RoutingSolution } from './routing.schemas.js';
import { SolutionState } from './solution-state.js';
import { simulateRoute } from './route-sim.js';
import { dropReasons } from './drop-reasons.js';
import { SharedBest, type SharedBestBuffer } from './shared-best.js';
import { threadCpuClock } from './thread-clock.js';
import {
  hgsDefaultMaxJobs,
  hgsSisrPrefixIterations,
  loadFill,
  SISR_PREFIX_MAX_FILL,
  HGS_PARAMS,
  hgsApplies,
  hgsOneCapacity,
  hgsSearch,
  type HgsParams,
} from './hgs/hgs.js';

/**
 * Vehicle routing solver (CVRP, VRPTW, heterogeneous fleet, per-vehicle depots and shifts).
 * Construction by regret-2 insertion, then SISR ruin-and-recreate (Christiaens & Vanden Berghe
 * 2020, "Slack Induction by String Removals for Vehicle Routing Problems", Transportation
 * Science 54(2):417–433) under simulated annealing, with a granular local search
 * (local-search.ts) applied to each new best solution.
 */

export interface SolveOptions {
  /** Seed of the PRNG; same seed + same iteration count = same solution. */
  seed?: number;
  /** Wall-clock budget in seconds (default 10). */
  timeLimitS?: number;
  /** Hard cap on ruin-and-recreate iterations; makes the run independent of the clock. */
  maxIterations?: number;
  /** Called on every new best solution (throttled by the caller if needed). */
  onProgress?: (bestCost: number, elapsedS: number) => void;
  /** Polled every few iterations; returning true stops the search with the best so far. */
  shouldStop?: () => boolean;
  /** Millisecond clock, injectable for tests; defaults to performance.now (or see `clock`). */
  now?: () => number;
  /**
   * 'wall' (default): timeLimitS is wall time. 'thread-cpu': CPU time of the solving thread
   * (thread-clock.ts; Linux), so a loaded machine runs the same search as an idle one, only
   * slower: for benchmarks on shared machines.
   */
  clock?: 'wall' | 'thread-cpu';
  /** SISR parameters (defaults from the paper). */
  avgRemoved?: number;
  maxStringLen?: number;
  splitRate?: number;
  blinkRate?: number;
  /** Start and final SA temperatures (each epoch) as fractions of the average arc cost per job. */
  tempStart?: number;
  tempEnd?: number;
  /**
   * Start temperature of every epoch after the first, as a fraction of tempStart (default 0.25;
   * 1 under the 'prefix' schedule, see search()).
   */
  restartHeat?: number;
  /**
   * Shortest epoch of the budgeted schedule (see search()): in seconds with a time limit
   * (default 0.25), in iterations with maxIterations (default max(500, 10 × jobs)). Infinity
   * gives a single cool-down over the whole budget.
   */
  minEpochS?: number;
  minEpochIterations?: number;
  /**
   * 'prefix' (default when vehicles have fixed costs, i.e. vehicles first): budget-independent
   * epochs of route elimination then distance recovery, so a longer run on the same seed is the
   * shorter run continued and never returns a worse plan, for any two budgets (see search()).
   * 'budget' (default otherwise): epochs sized to the budget, see search(); only doubling the
   * budget is then guaranteed not to be worse. 'independent': epochs double from a fixed length
   * whatever the budget (the schedule of 2026-11-30 02:28).
   */
  schedule?: 'budget' | 'independent' | 'prefix';
  /**
   * Start temperature of the distance-recovery cool-down that follows a route elimination
   * ('prefix' schedule), as a fraction of tempStart (default 0.5).
   */
  recoveryHeat?: number;
  /** Insertion looks only next to this many nearest jobs (0 = every position). Default: 0 up to 150 jobs, else 40. */
  insertionNeighbours?: number;
  /**
   * Share of each epoch's iterations spent on removing routes (SISR fleet minimisation) before
   * its annealing. Default 0.4 when some vehicle has a fixed cost, else 0.
   */
  fleetMinShare?: number;
  /**
   * Warm start, e.g. the current plan when re-optimising: job indices per vehicle. Jobs that no
   * longer fit (or are locked) are dropped from it and inserted like new ones.
   */
  initialRoutes?: PlannedRoute[];
  /** SWAP* in the local search on capacity-only problems (swap-star.ts). */
  swapStar?: boolean;
  /**
   * 'sisr': SISR ruin-and-recreate under simulated annealing, every problem. 'hgs': the hybrid
   * genetic search (hgs/hgs.ts) on the problems it handles (one depot, identical vehicles,
   * capacities only, a fleet of at least one vehicle per job, as in CVRPLIB), SISR on every
   * other. Default: HGS's penalised search on the problems it handles with one capacity dimension
   * and at most `hgsMaxJobs` jobs, SISR on every other (time windows, pairs, several capacities
   * and larger CVRPs): on the X set this beat SISR at 1, 2, 5, 10 and 30 CPU-s and HGS alone up
   * to 10 s (README, seed 1). From 301 jobs HGS trails SISR below 10 s, so there the default is
   * HGS only from a 10 s budget (hgs.ts hgsDefaultMaxJobs).
   */
  algorithm?: 'sisr' | 'hgs';
  /**
   * Largest job count on which the default algorithm is HGS (default 300; 400 when the problem has
   * coordinates and the time limit is at least 10 s, hgs.ts HGS_LARGE_MIN_BUDGET_S).
   */
  hgsMaxJobs?: number;
  /** HGS parameters (hgs/hgs.ts HGS_PARAMS). */
  hgs?: Partial<HgsParams>;
  /** Initial construction: the cheaper of both (default), or only one of them. */
  construction?: 'best' | 'regret' | 'greedy';
  /**
   * Search threads of solveParallel (parallel.ts); solve() itself always searches on the calling
   * thread and ignores it. Default 1.
   */
  threads?: number;
  /**
   * Set by solveParallel: the best plan shared with the other threads' searches. The main search
   * waits for its `helpers` at the end (at most `graceMs`) and returns the cheapest plan of all.
   */
  shared?: { buffer: SharedBestBuffer; role: 'main' | 'helper'; helpers: number; graceMs: number };
}

/** Solves a routing problem (plain data, validated with zod) and returns routes with timings, loads and costs. */
export function solve(input: RoutingProblemInput, options: SolveOptions = {}): RoutingSolution {
  const problem = routingProblemSchema.parse(input);
  const n = problem.matrix.n;
  if (problem.matrix.distanceM.length < n * n || problem.matrix.durationS.length < n * n)
    throw new RangeError('matrix arrays shorter than n×n');
  for (const v of problem.vehicles) {
    if (v.startIndex >= n || (v.endIndex ?? 0) >= n) throw new RangeError(`vehicle ${v.id}: location outside the matrix`);
  }
  for (const j of problem.jobs) if (j.locationIndex >= n) throw new RangeError(`job ${j.id}: location outside the matrix`);
  const cpu = !options.now && options.clock === 'thread-cpu' ? threadCpuClock() : null;
  try {
    return solveWith(problem, options, options.now ?? cpu?.now ?? (() => performance.now()));
  } finally {
    cpu?.close();
  }
}

function solveWith(problem: RoutingProblem, options: SolveOptions, now: () => number): RoutingSolution {
  const t0 = now();
  const red = reduceLocked(problem);
  const model = compileModel(red.problem);
  const reducedOf = new Map(red.jobOf.map((orig, k) => [orig, k]));
  const initial = options.initialRoutes?.map((r) => ({
    vehicleIndex: r.vehicleIndex,
    jobs: r.jobs.map((j) => reducedOf.get(j)).filter((j): j is number => j !== undefined),
  }));
  const { S, iterations } = search(model, options, now, t0, initial);
  const planned = S.routes.map((R) => {
    const locked = red.lockedOf[R.v];
    const breakPos = new Int32Array(problem.vehicles[R.v].breaks.length);
    simulateRoute(model, R.v, R.nodes, R.nodes.length, breakPos);
    return {
      vehicleIndex: R.v,
      jobs: [...locked, ...R.nodes.map((j) => red.jobOf[j])],
      breaks: Array.from(breakPos, (k) => k + locked.length),
    };
  });
  const reasons = dropReasons(S);
  const unassigned = S.unassigned
    .map((j) => ({ jobIndex: red.jobOf[j], reason: reasons.get(j), penalty: model.optional[j] ? model.penalty[j] : undefined }))
    .sort((a, b) => a.jobIndex - b.jobIndex);
  return describeRoutes(problem, planned, unassigned, iterations, (now() - t0) / 1000);
}

interface SearchResult {
  S: SolutionState;
  iterations: number;
}

function search(m: Model, o: SolveOptions, now: () => number, t0: number, initial?: PlannedRoute[]): SearchResult {
  const rng = new Rng(o.seed ?? 1);
  const timeLimitMs = (o.timeLimitS ?? 10) * 1000;
  const maxIter = o.maxIterations ?? Number.POSITIVE_INFINITY;
  // Above HGS_DEFAULT_MAX_JOBS, where the default is HGS (a budget of 10 s or more), it starts from
  // a SISR run of a fixed iteration count (hgs.ts hgsSisrPrefixIterations).
  const prefixIt =
    o.algorithm === undefined && !Number.isFinite(maxIter)
      ? hgsSisrPrefixIterations(m.J, o.hgs?.sisrPrefixPerJob ?? HGS_PARAMS.sisrPrefixPerJob)
      : 0;
  if (prefixIt > 0 && m.J <= (o.hgsMaxJobs ?? hgsDefaultMaxJobs(m.xy != null, timeLimitMs / 1000))) {
    const probe = new SolutionState(m);
    // Not where the loads fill their fewest routes almost to the brim (hgs.ts SISR_PREFIX_MAX_FILL).
    if (hgsApplies(probe) && hgsOneCapacity(probe) && loadFill(probe) < SISR_PREFIX_MAX_FILL) {
      // Alone on this thread (solveParallel's sharing starts with HGS).
      const pre = search(m, { ...o, algorithm: 'sisr', maxIterations: prefixIt, shared: undefined }, now, t0, initial);
      const warm = pre.S.routes.filter((R) => R.nodes.length > 0).map((R) => ({ vehicleIndex: R.v, jobs: R.nodes.slice() }));
      const rest = search(m, { ...o, algorithm: 'hgs' }, now, t0, warm);
      return { S: rest.S, iterations: pre.iterations + rest.iterations };
    }
  }
  const params = { avgRemoved: o.avgRemoved ?? 10, maxStringLen: o.maxStringLen ?? 10, splitRate: o.splitRate ?? 0.01 };
  const blink = o.blinkRate ?? 0.01;
  const S = new SolutionState(m);
  const emptySeen = new Uint8Array(S.nTypes);

  const depot = m.vStart[0];
  const far = new Float64Array(m.J);
  const demand = new Float64Array(m.J);
  let maxW = 0;
  let maxV = 0;
  let maxP = 0;
  const amount = (a: Float64Array, pa: Float64Array, j: number): number => a[j] + Math.abs(pa[j]);
  for (let j = 0; j < m.J; j++) {
    maxW = Math.max(maxW, amount(m.weight, m.pairW, j));
    maxV = Math.max(maxV, amount(m.volume, m.pairV, j));
    maxP = Math.max(maxP, amount(m.pallets, m.pairP, j));
  }
  for (let j = 0; j < m.J; j++) {
    far[j] = m.dist[depot * m.N + j];
    demand[j] =
      (maxW > 0 ? amount(m.weight, m.pairW, j) / maxW : 0) +
      (maxV > 0 ? amount(m.volume, m.pairV, j) / maxV : 0) +
      (maxP > 0 ? amount(m.pallets, m.pairP, j) / maxP : 0);
  }

  S.updateAll();
  const placed = new Uint8Array(m.J);
  for (const r of initial ?? []) {
    const R = S.routes[r.vehicleIndex];
    if (!R || R.nodes.length > 0) continue;
    // The whole warm route first (pairs need both ends at once), else job by job.
    R.nodes = r.jobs.filter((j, i) => !placed[j] && r.jobs.indexOf(j) === i);
    S.update(r.vehicleIndex);
    if (R.feasible) {
      for (const j of R.nodes) placed[j] = 1;
      continue;
    }
    for (const j of R.nodes) S.routeOf[j] = -1;
    R.nodes = [];
    S.update(r.vehicleIndex);
    for (const j of r.jobs) {
      if (placed[j]) continue;
      R.nodes.push(j);
      S.update(r.vehicleIndex);
      if (R.feasible) placed[j] = 1;
      else {
        R.nodes.pop();
        S.routeOf[j] = -1;
        S.update(r.vehicleIndex);
      }
    }
  }
  const all = Array.from({ length: m.J }, (_, j) => j)
    .filter((j) => !placed[j])
    .sort((a, b) => far[b] - far[a] || a - b);
  // Two constructions, keep the cheaper: regret-2 (O(J²·m), skipped beyond a few thousand jobs)
  // and SISR's greedy farthest-first insertion; neither dominates on the X instances.
  const start = S.snapshot();
  recreate(S, all, 0, rng, emptySeen, () => {});
  // Regret insertion knows neither pairs nor drop penalties: greedy insertion alone then.
  if (m.J <= 3000 && o.construction !== 'greedy' && !m.hasPairs && !m.hasOptional) {
    const greedy = S.snapshot();
    const greedyCost = S.totalCost();
    S.restore(start);
    S.unassigned = [];
    regretInsertion(S, all);
    if (o.construction !== 'regret' && S.totalCost() > greedyCost) S.restore(greedy);
  }
  localSearch(S, rng, 30, 50, o.swapStar ?? false);
  const granularK = o.insertionNeighbours ?? (m.J > 150 ? 40 : 0);
  const removed: number[] = [];
  const ruinRecreate = (onTouch: (r: number) => void, order: (jobs: number[]) => void): void => {
    const prevUnassigned = S.unassigned;
    ruin(S, params, rng, onTouch, removed);
    for (const j of prevUnassigned) removed.push(j);
    S.unassigned = [];
    order(removed);
    recreate(S, removed, blink, rng, emptySeen, onTouch, granularK);
  };
  const standardOrder = (jobs: number[]): void => sortRemoved(jobs, rng, far, demand);

  let hasFixed = false;
  for (let v = 0; v < m.V; v++) if (m.vFixed[v] > 0) hasFixed = true;
  // Fleet minimisation counts unassigned jobs as failures, which optional stops are not.
  const fmShare = m.hasOptional ? 0 : Math.min(0.9, o.fleetMinShare ?? (hasFixed ? 0.4 : 0));

  let iter = 0;
  let best = S.totalCost();
  let bestSnap = S.snapshot();
  o.onProgress?.(best, (now() - t0) / 1000);
  // Second core (parallel.ts): every new best is published, and each epoch starts from the
  // cheapest plan any thread found (a parallel restart strategy in the spirit of the
  // cooperative multi-thread searches of Crainic 2019, "Parallel metaheuristics and
  // cooperative search", Handbook of Metaheuristics: the threads share only elite solutions).
  const share = o.shared ? new SharedBest(o.shared.buffer) : null;
  share?.publish(best, bestSnap);
  const adoptShared = (): void => {
    const got = share?.take(best - 1e-9);
    if (!got || got.routes.length !== bestSnap.length) return;
    best = got.cost;
    bestSnap = got.routes;
    o.onProgress?.(best, (now() - t0) / 1000);
  };
  const timeUp = (): boolean =>
    now() - t0 >= timeLimitMs || (o.shouldStop?.() ?? false) || (o.shared?.role === 'helper' && share!.stopped());
  const keepIfBetter = (): void => {
    const c = S.totalCost();
    if (c < best - 1e-9) {
      best = c;
      bestSnap = S.snapshot();
      share?.publish(best, bestSnap);
      o.onProgress?.(best, (now() - t0) / 1000);
    }
  };

  const useHgs =
    o.algorithm === 'hgs'
      ? hgsApplies(S)
      : o.algorithm === undefined &&
        m.J <=
          (o.hgsMaxJobs ?? hgsDefaultMaxJobs(m.xy != null, Number.isFinite(maxIter) ? Number.POSITIVE_INFINITY : timeLimitMs / 1000)) &&
        hgsApplies(S) &&
        hgsOneCapacity(S);
  if (useHgs) {
    const iterations = hgsSearch(
      S,
      { ...HGS_PARAMS, ...o.hgs },
      {
        rng,
        timeUp: (it) => it >= maxIter || timeUp(),
        onBest: (c, routes) => {
          if (!(c < best - 1e-9)) return;
          best = c;
          share?.publish(c, routes);
          o.onProgress?.(best, (now() - t0) / 1000);
        },
        takeShared: share ? (c) => share.take(c - 1e-9) : undefined,
        ruin: params,
        blinkRate: blink,
        insertionNeighbours: granularK,
      },
    );
    if (share && o.shared) {
      if (o.shared.role === 'helper') share.done();
      else {
        share.waitDone(o.shared.helpers, o.shared.graceMs);
        share.stop();
        const got = share.take(S.totalCost() - 1e-9);
        if (got) S.restore(Array.from({ length: m.V }, (_, v) => got.routes[v] ?? []));
      }
    }
    return { S, iterations };
  }

  const touchedAt = new Int32Array(m.V).fill(-1);
  const saved: number[][] = new Array(m.V);
  const touched: number[] = [];
  const onTouch = (r: number): void => {
    if (touchedAt[r] === iter) return;
    touchedAt[r] = iter;
    saved[r] = S.routes[r].nodes.slice();
    touched.push(r);
  };

  /*
   * Epoch schedule. Every epoch restarts from the incumbent (the best plan so far): a
   * fleet-minimisation attempt first (when vehicles have fixed costs), then a full
   * simulated-annealing cool-down, which is the distance-recovery phase after the fleet shrank.
   *
   * With a budget (maxIterations, else timeLimitS) the epochs are geometric and sized to it, the
   * last one taking the second half, the one before it the quarter before, and so on down to an
   * epoch of at least `minEpoch`: epoch j of m+1 ends at budget / 2^(m-j). Every epoch cools
   * down completely before the budget ends, so no time is lost on a cut-off epoch, and a run of
   * budget 2B repeats the run of budget B epoch for epoch (same seed) before a last epoch of
   * length B from its result: doubling the budget never returns a worse plan (restart doubling
   * as in Luby, Sinclair & Zuckerman 1993, "Optimal speedup of Las Vegas algorithms", played
   * backwards from the budget). With minEpoch ≥ budget there is one epoch: the single
   * cool-down over the whole budget of the solver before epochs.
   *
   * Without a budget (both infinite, stopped by shouldStop) the epochs double from `saBase`
   * iterations and do not depend on when the run is stopped.
   *
   * 'prefix' (the default when vehicles have fixed costs): the epochs do not depend on the
   * budget either. Epoch e is a route-elimination attempt of fmBaseP·√2^e iterations, each
   * smaller complete fleet kept as the best at once, then a distance-recovery cool-down of
   * saBase·2^e iterations at the fleet size reached (the fixed cost keeps it), starting hotter
   * after an elimination (route minimisation then distance minimisation, as in Nagata & Bräysy
   * 2009, "A powerful route minimization heuristic for the vehicle routing problem with time
   * windows", Operations Research Letters 37(5):333–338, and their 2010 memetic algorithm; both
   * phases here are SISR's). Every phase length is counted in iterations, the clock or the
   * iteration cap only cuts the run, and nothing is done at the cut but return the best so far:
   * a run of budget T' > T passes through the run of budget T and returns min over a longer
   * trajectory, for any T and T' (exact with maxIterations; on the clock as long as the longer
   * run gets at least as many iterations). The price: the epoch under way at the cut may be
   * cut off mid cool-down.
   */
  const saBase = Math.max(500, 10 * m.J);
  const byIterations = Number.isFinite(maxIter);
  const budget = byIterations ? maxIter : timeLimitMs;
  const prefix = (o.schedule ?? (fmShare > 0 ? 'prefix' : 'budget')) === 'prefix';
  const unbounded = prefix || o.schedule === 'independent' || !Number.isFinite(budget);
  const minEpoch = byIterations ? (o.minEpochIterations ?? saBase) : (o.minEpochS ?? 0.25) * 1000;
  const m2 = unbounded || !(minEpoch < budget) ? 0 : Math.floor(Math.log2(budget / Math.max(1e-9, minEpoch)));
  const lastEpoch = Math.min(m2, 60);
  const fmBase = fmShare > 0 ? Math.round((saBase * fmShare) / (1 - fmShare)) : 0;
  // 'prefix': elimination attempts grow by √2 per epoch against the cool-downs' 2, so once the
  // fleet is as small as the search can make it, failed attempts take a shrinking share (the
  // distance phase dominates, as in Nagata & Bräysy 2009's split of route minimisation and
  // distance minimisation) while a hard elimination still gets ever longer attempts.
  const fmBaseP = fmShare > 0 ? Math.round((saBase * fmShare) / 0.4) : 0;
  // Budget spent so far, in the budget's unit.
  const used = (): number => (byIterations ? iter : now() - t0);
  // Nothing to move: ruin-and-recreate would only spin until the time limit.
  const stopAt = m.J === 0 ? 0 : maxIter;
  let stopped = m.J === 0;
  let epochStart = 0;
  for (let epoch = 0; !stopped; epoch++) {
    const scaleUp = Math.pow(2, Math.min(epoch, 40));
    // Where this epoch ends (budgeted schedule) and where its fleet minimisation ends.
    const epochEnd = unbounded ? Infinity : budget / Math.pow(2, lastEpoch - Math.min(epoch, lastEpoch));
    const fmEnd = epochStart + (epochEnd - epochStart) * fmShare;
    adoptShared();
    let shrank = false;
    if (fmShare > 0) {
      S.restore(bestSnap);
      if (S.unassigned.length === 0 && S.usedRoutes > 1) {
        const fmBudget = prefix ? fmBaseP * Math.pow(2, Math.min(epoch, 80) / 2) : fmBase * scaleUp;
        const from = iter;
        const before = S.usedRoutes;
        iter += minimizeFleet(S, {
          rng,
          ruinRecreate: (touch, byAbsence) => ruinRecreate(touch, rng.next() < 0.5 ? byAbsence : standardOrder),
          done: unbounded
            ? (it) => it >= fmBudget || (prefix && from + it >= stopAt) || ((it & 15) === 0 && timeUp())
            : byIterations
              ? (it) => from + it >= fmEnd || from + it >= stopAt || ((it & 15) === 0 && timeUp())
              : (it) => (it & 15) === 0 && (now() - t0 >= fmEnd || timeUp()),
          // Each smaller complete fleet becomes the best at once (prefix: nothing is left to do
          // at the cut, which is what makes a longer run never worse).
          onShrink: prefix ? keepIfBetter : undefined,
        });
        shrank = S.usedRoutes < before;
        // Cut off (prefix): return the best so far as it stands; a longer run would go on.
        if (prefix && (iter >= stopAt || timeUp())) break;
        localSearch(S, rng, 30, 50, o.swapStar ?? false);
        keepIfBetter();
        if (iter >= stopAt || timeUp()) break;
      }
    }
    S.restore(bestSnap);
    let cur = S.totalCost();
    let arcCost = 0;
    for (const R of S.routes) if (R.nodes.length > 0) arcCost += R.cost - m.vFixed[R.v];
    const scale = m.J > 0 ? arcCost / m.J : 1;
    // Later epochs restart from a good solution: reheating it fully would only throw it away.
    // After a route elimination (prefix), the distance-recovery cool-down starts hotter: the
    // eliminating search placed the jobs by absence, not by distance.
    // Prefix: a recovery restarted from the best at a quarter of the first heat fell back into the
    // same basin (RC101 and RC201 at their minimal fleet kept the best of their fifth CPU-second
    // for the rest of a 30 s run); restarting each cool-down as hot as the first (a restart of
    // the annealing from the incumbent, as in the reheating schedules of Osman 1993,
    // "Metastrategy simulated annealing and tabu search algorithms for the vehicle routing
    // problem", Annals of Operations Research 41:421–451) reached the best-known distance on
    // RC101 and 0.47 % over it on RC201, seeds 1 and 3 at 30 CPU-s. An adaptive reheat (twice as
    // hot after each cool-down without a new best, reset by one) stayed at +1.65 % on RC101.
    const heat = epoch === 0 ? 1 : prefix && shrank ? (o.recoveryHeat ?? 0.5) : (o.restartHeat ?? (prefix ? 1 : 0.25));
    const T0 = Math.max(1e-9, (o.tempStart ?? 1.3) * scale * heat);
    const Tf = Math.max(1e-12, (o.tempEnd ?? 0.01) * scale);
    const len = saBase * scaleUp;
    const saStart = used();
    let T = T0;
    for (let k = 0; ; k++, iter++) {
      if (iter >= stopAt) {
        stopped = true;
        break;
      }
      if (unbounded && k >= len) break;
      if ((iter & 31) === 0 || k === 0) {
        if (timeUp()) {
          stopped = true;
          break;
        }
        const frac = unbounded ? k / len : (used() - saStart) / Math.max(1e-9, epochEnd - saStart);
        if (frac >= 1) break;
        T = T0 * Math.pow(Tf / T0, frac);
      }
      if (byIterations && !unbounded && iter >= epochEnd) break;
      touched.length = 0;
      const prevUnassigned = S.unassigned;
      ruinRecreate(onTouch, standardOrder);
      const cost = S.totalCost();
      if (cost < cur - T * Math.log(1 - rng.next())) {
        cur = cost;
        if (cost < best - 1e-9) {
          localSearch(S, rng, 30, 50, o.swapStar ?? false);
          cur = S.totalCost();
          keepIfBetter();
        }
      } else {
        for (const r of touched) {
          S.routes[r].nodes = saved[r];
          S.update(r);
        }
        for (const j of prevUnassigned) S.routeOf[j] = -1;
        S.unassigned = prevUnassigned;
      }
    }
    epochStart = epochEnd;
    if (!unbounded && epoch >= lastEpoch) stopped = true;
  }
  if (share && o.shared) {
    if (o.shared.role === 'helper') share.done();
    else {
      share.waitDone(o.shared.helpers, o.shared.graceMs);
      share.stop();
      adoptShared();
    }
  }
  S.restore(bestSnap);
  return { S, iterations: iter };
}

/** SISR's recreate orders (weights 4:4:2:1): random, largest demand, farthest, closest. */
function sortRemoved(jobs: number[], rng: Rng, far: Float64Array, demand: Float64Array): void {
  const x = rng.int(11);
  if (x < 4) rng.shuffle(jobs);
  else if (x < 8) jobs.sort((a, b) => demand[b] - demand[a]);
  else if (x < 10) jobs.sort((a, b) => far[b] - far[a]);
  else jobs.sort((a, b) => far[a] - far[b]);
}
