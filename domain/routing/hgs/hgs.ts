import type { Rng } from '../prng.js';
import type { SolutionState } from '../solution-state.js';
import { localSearch } from '../local-search.js';
import { ruin, type RuinParams } from '../ruin.js';
import { recreate } from '../recreate.js';
import { randomOrderedCrossover } from './crossover.js';
import { linksOf } from './distance.js';
import { giantTour } from './giant-tour.js';
import { HGS_DEFAULTS, Population, type Individual, type PopulationParams } from './population.js';
import { Splitter } from './split.js';
import { correlated, penalisedHgs } from './penalised-hgs.js';

/**
 * Hybrid genetic search for capacity-only problems (Vidal et al. 2012, "A hybrid genetic
 * algorithm for multidepot and periodic vehicle routing problems", Operations Research 60(3);
 * Vidal 2022, "Hybrid genetic search for the CVRP: Open-source implementation and SWAP*
 * neighborhood", Computers & Operations Research 140:105643): giant-tour chromosomes, ordered
 * crossover (crossover.ts), the linear Split (split.ts), education by the granular local search
 * with SWAP* (local-search.ts, swap-star.ts) and optionally a few SISR ruin-and-recreate descents
 * (Christiaens & Vanden Berghe 2020), a population managed on biased fitness (population.ts),
 * and a restart when no new best came for `restartAfter` offspring.
 *
 * Differences from HGS-CVRP: only feasible individuals (the local search here keeps capacities
 * hard, so there is no infeasible subpopulation nor penalty management), and routes are chained
 * into the giant tour by nearest end-to-start (the polar order of giant-tour.ts is used by the
 * penalised search only).
 *
 * Every parameter is independent of the budget and the loop stops only between offspring, so a
 * longer run on the same seed replays the shorter one and keeps its best: never worse.
 */

export interface HgsParams extends PopulationParams {
  /** Granular neighbourhood size of the education (HGS: 20). */
  granularity: number;
  /** Offspring without a new best before the population restarts (HGS: 20,000). */
  restartAfter: number;
  /** SISR ruin-and-recreate descents per education after the local search (0 = local search only). */
  sisrMoves: number;
  /** SWAP* in the education (HGS: on). */
  swapStar: boolean;
  /**
   * Education by a short simulated-annealing run of SISR ruin-and-recreate (the search of the
   * SISR path, solver.ts) of this many iterations per job (0 = local search only).
   */
  annealPerJob: number;
  /** Start and end temperature of that annealing, as fractions of the mean arc cost per job. */
  tempStart: number;
  tempEnd: number;
  /** Initial individuals from split random tours (HGS) instead of greedy insertion in random order. */
  randomInitial: boolean;
  /**
   * 'penalised' (default on one capacity dimension): HGS-CVRP's search with penalised capacity and
   * feasible and infeasible subpopulations (penalised-hgs.ts). 'anneal': feasible individuals only,
   * educated by the hard-capacity local search and `annealPerJob` SISR annealing (this file).
   */
  education: 'penalised' | 'anneal';
  /** Penalised education: target share of feasible offspring, repair probability, initial population = factor × mu. */
  initialTours: 'random' | 'nearest';
  targetFeasible: number;
  repairProbability: number;
  initialFactor: number;
  /** Penalised education: share of offspring split and educated with one route fewer than the best plan (penalised-hgs.ts). */
  fewerRoutes: number;
  /** SISR iterations per job before HGS above HGS_DEFAULT_MAX_JOBS jobs (hgsSisrPrefixIterations; solver's default only). */
  sisrPrefixPerJob: number;
  /**
   * Penalised education: use the problem's coordinates, when it has them, for HGS-CVRP's polar
   * rules (SWAP* between routes whose polar sectors overlap, giant tours in polar order of the
   * routes' barycentres; Vidal 2022). False: the matrix-only rules even with coordinates.
   */
  polar: boolean;
  /**
   * The polar rules apply only above this many jobs. Below, at 30 CPU-s (2026-11-30, seeds 1 / 2),
   * they gained nothing measurable and lost on X-n106 (0.22 / 0.22 % against 0.06 / 0.07 %); above,
   * their speed lets HGS take X-n303 to X-n401 from SISR (HGS_DEFAULT_MAX_JOBS_POLAR).
   */
  polarAbove: number;
}

/**
 * Defaults measured on the X set (2026-11-30, 10 CPU-s, bench/routing): HGS-CVRP's own population
 * (mu 25, lambda 40) with local-search education only lost to SISR on every instance tried (a
 * TypeScript education of an offspring costs ~10 ms at 250 jobs, so too few generations fit); a
 * small population educated by a short SISR annealing (20 iterations per job) did best.
 */
export const HGS_ANNEAL_PARAMS: HgsParams = {
  ...HGS_DEFAULTS,
  mu: 4,
  lambda: 4,
  granularity: 20,
  restartAfter: 20000,
  sisrMoves: 0,
  swapStar: true,
  annealPerJob: 20,
  tempStart: 0.3,
  tempEnd: 0.01,
  randomInitial: false,
  education: 'anneal',
  targetFeasible: 0.2,
  repairProbability: 0.5,
  initialFactor: 4,
  initialTours: 'random',
  fewerRoutes: 0,
  sisrPrefixPerJob: 500,
  polar: true,
  polarAbove: 300,
};

/**
 * The penalised search with HGS-CVRP's granularity (20), elites (4), close individuals (5), target
 * (20 % feasible) and repair (one in two) (Vidal 2022, table 2), but a smaller population (mu 12,
 * lambda 20 against 25 and 40) started from 2 mu randomised nearest-neighbour tours (against 4 mu
 * random ones): a TypeScript education is several times slower than HGS-CVRP's C++, and at
 * 10 CPU-s (2026-11-30, seed 1) HGS-CVRP's own sizes spent the run on the initial population
 * (X-n251: 1.50 % against 0.69 %).
 */
export const HGS_PARAMS: HgsParams = {
  ...HGS_ANNEAL_PARAMS,
  ...HGS_DEFAULTS,
  mu: 12,
  lambda: 20,
  initialFactor: 2,
  initialTours: 'nearest',
  education: 'penalised',
  fewerRoutes: 0.15,
};

/** Whether HGS handles this model: one depot, identical vehicles with hard capacities only, enough of them for any split. */
export function hgsApplies(S: SolutionState): boolean {
  const m = S.m;
  if (m.J < 2 || m.complex || m.hasTimeWindows || m.hasPairs || m.hasOptional || S.nTypes !== 1) return false;
  if (m.vStart[0] !== m.vEnd[0]) return false;
  // Split opens as many routes as it likes: the fleet must allow one route per job.
  if (m.V < m.J) return false;
  for (let j = 0; j < m.J; j++) if (m.weight[j] > m.vCapW[0] || m.volume[j] > m.vCapV[0] || m.pallets[j] > m.vCapP[0]) return false;
  return true;
}

/** Whether the vehicles have exactly one finite capacity dimension (HGS's penalised search, penalised-hgs.ts). */
export function hgsOneCapacity(S: SolutionState): boolean {
  const m = S.m;
  let dims = 0;
  for (const cap of [m.vCapW[0], m.vCapV[0], m.vCapP[0]]) if (Number.isFinite(cap)) dims++;
  return dims === 1;
}

/**
 * Largest CVRP on which the solver's default algorithm is HGS (solver.ts `hgsMaxJobs`): on the
 * X set (README, 2026-11-30, seed 1, CPU clock) HGS led SISR up to 251 customers and trailed it
 * from 303 on.
 */
export const HGS_DEFAULT_MAX_JOBS = 300;

/**
 * The same with coordinates (HGS-CVRP's polar sectors, 1.3-2.2× more offspring per CPU-second on
 * X-n200 to X-n351), with a budget of at least HGS_LARGE_MIN_BUDGET_S, HGS starting from a SISR run
 * (hgsSisrPrefixIterations). At 30 CPU-s (2026-11-30, seeds 1-2) HGS alone gave X-n303 0.75 / 0.95 %
 * and X-n351 0.71 / 1.03 % against SISR's 0.90 / 1.05 % and 0.80 / 1.20 % (so 350), but X-n401 0.91
 * / 0.61 % (2026-12-01: 0.57 / 0.56 %) against SISR's 0.53 / 0.54 %; from SISR's plan, 0.27 / 0.49 %
 * (2026-12-01 04:05-04:20 UTC, load 8-14), hence 400. Not measured beyond 400 jobs.
 */
export const HGS_DEFAULT_MAX_JOBS_POLAR = 400;

/**
 * Budget (s, on the solver's clock) from which the default runs HGS above HGS_DEFAULT_MAX_JOBS
 * jobs; below it SISR, which finds a good plan sooner there. Measured on X-n303 and X-n351 (CPU
 * clock, seeds 1 and 2, 2026-12-01 00:43-00:53 UTC; seed 1 also 2026-11-30 22:58), gap % HGS
 * against SISR at 1 / 2 / 5 / 10 s: X-n303 2.54 / 2.17 / 1.60 / 1.07 against 1.59 / 1.59 / 1.01 /
 * 0.96 and 2.82 / 1.65 / 1.41 / 0.99 against 1.91 / 1.24 / 1.42 / 1.28; X-n351 3.73 / 3.34 / 2.22 /
 * 1.61 against 2.30 / 2.68 / 1.76 / 1.73 and 4.14 / 2.70 / 2.23 / 1.53 against 2.29 / 2.01 / 2.80 /
 * 1.54. SISR leads at 1 and 2 s in every run, 5 s is even (mean 1.87 against 1.75 %), HGS leads
 * from 10 s (1.30 against 1.38 %) and at 30 s (README).
 */
export const HGS_LARGE_MIN_BUDGET_S = 10;

/**
 * The solver's default: HGS on the problems it handles (hgsApplies, one capacity dimension) up to
 * `maxJobs` (HGS_DEFAULT_MAX_JOBS; with coordinates HGS_DEFAULT_MAX_JOBS_POLAR when the budget is
 * at least HGS_LARGE_MIN_BUDGET_S), SISR beyond. `budgetS` is the time limit, or infinite under
 * an iteration budget.
 */
export function hgsDefaultMaxJobs(hasCoordinates: boolean, budgetS: number): number {
  return hasCoordinates && budgetS >= HGS_LARGE_MIN_BUDGET_S ? HGS_DEFAULT_MAX_JOBS_POLAR : HGS_DEFAULT_MAX_JOBS;
}

/**
 * SISR prefix of the default above HGS_DEFAULT_MAX_JOBS jobs (solver.ts search): where the default
 * is HGS there (a budget of at least HGS_LARGE_MIN_BUDGET_S), it first runs SISR (the default
 * below that budget) for `sisrPrefixPerJob` iterations per job, its schedule sized to that count,
 * and starts HGS from its plan, which joins the first feasible subpopulation in the place of the
 * construction: a genetic search seeded with a heuristic's plan (Prins 2004, "A simple and
 * effective evolutionary algorithm for the vehicle routing problem", Computers & Operations
 * Research 31(12), seeds its population with the Clarke-Wright, Mole-Jameson and Gillett-Miller
 * plans). An iteration count, not seconds, so that every run of 10 s or more starts from the same
 * plan and, HGS being budget-independent, a longer one replays a shorter one (with a prefix cut by
 * the clock, X-n351 seed 1 gave 1.12 % at 10 s and 1.14 % at 30 s). Why: at 10 s HGS alone gave
 * X-n303 seed 1 1.07 % against 1.01 % for SISR at 5 s; SISR finds a good plan sooner, HGS then
 * improves on it. 500 per job is about 4 CPU-s on X-n303/X-n351 and 7 on X-n401 (SISR made
 * 28,000-50,000 iterations per CPU-second there, 2026-12-01); set once, not tuned. 0: no prefix.
 */
export function hgsSisrPrefixIterations(jobs: number, perJob: number): number {
  return jobs > HGS_DEFAULT_MAX_JOBS ? Math.round(perJob * jobs) : 0;
}

/**
 * Load fill from which the default skips the SISR prefix (hgsSisrPrefixIterations; solver.ts) and HGS starts
 * from its own construction: the total demand over the capacity of the fewest routes that can
 * carry it (`loadFill`). On X-n351-k40 (fill 0.993: 40 routes must carry 99.3 % of their
 * capacity, and the plans found have 41) the prefix was worse on 3 of 3 seeds at 30 CPU-s
 * (2026-12-01, mean 1.10 against 0.92 % for HGS alone), on X-n303-k21 (0.958) better on 3 of 3
 * (0.57 against 0.80 %), on X-n401-k29 (0.985) even (0.56 against 0.53 % for SISR). A guess at the
 * cause: SISR keeps capacities hard, and where the loads leave almost no slack its plan is a deep
 * local optimum of lb + 1 routes that, fed to a population grown from a few dozen tours, pulls
 * the search towards it; HGS's penalised capacity (Vidal 2022) starts from infeasible packings
 * instead. The threshold lies between the instances measured on each side (in-sample: three
 * instances); see domain/routing/README.md for the same-run figures that decided it.
 */
export const SISR_PREFIX_MAX_FILL = 0.99;

/**
 * Total demand over (fewest routes that can carry it × capacity), on the one finite capacity
 * dimension of S's vehicles (hgsOneCapacity); 0 when there is none.
 */
export function loadFill(S: SolutionState): number {
  const m = S.m;
  for (const [load, cap] of [
    [m.weight, m.vCapW[0]],
    [m.volume, m.vCapV[0]],
    [m.pallets, m.vCapP[0]],
  ] as const) {
    if (!Number.isFinite(cap) || cap <= 0) continue;
    let total = 0;
    for (let j = 0; j < m.J; j++) total += load[j];
    if (total <= 0) return 0;
    return total / (Math.max(1, Math.ceil(total / cap - 1e-9)) * cap);
  }
  return 0;
}

export interface HgsHooks {
  rng: Rng;
  /** True when the run must stop (budget, cancellation). Checked between offspring. */
  timeUp: (iterations: number) => boolean;
  /** A new best plan (routes of jobs) and its cost. */
  onBest: (cost: number, routes: number[][]) => void;
  /** A cheaper plan from another thread, or null. */
  takeShared?: (cost: number) => { cost: number; routes: number[][] } | null;
  /** SISR parameters when `sisrMoves` > 0. */
  ruin?: RuinParams;
  blinkRate?: number;
  insertionNeighbours?: number;
}

/**
 * Runs HGS on S's model from S's current plan (the construction, one individual of the first
 * population) and leaves the best plan found in S. Returns the number of individuals educated.
 */
export function hgsSearch(S: SolutionState, params: HgsParams, h: HgsHooks): number {
  const m = S.m;
  const J = m.J;
  const rng = h.rng;
  const depot = m.vStart[0];
  const cost = m.costByClass[m.vClass[0]];
  const loads: Float64Array[] = [];
  const caps: number[] = [];
  for (const [load, cap] of [
    [m.weight, m.vCapW[0]],
    [m.volume, m.vCapV[0]],
    [m.pallets, m.vCapP[0]],
  ] as const) {
    if (!Number.isFinite(cap)) continue;
    loads.push(load);
    caps.push(cap);
  }
  if (params.education === 'penalised' && loads.length === 1) {
    const near = correlated(J, m.neighbours, m.K, params.granularity);
    const start: number[][] = [];
    for (const R of S.routes) if (R.nodes.length > 0) start.push(R.nodes.slice());
    const xy = params.polar && J > params.polarAbove ? m.xy : null;
    const res = penalisedHgs({ J, N: m.N, depot, cost, demand: loads[0], cap: caps[0], fixed: m.vFixed[0], near, xy }, start, params, h);
    S.routeOf.fill(-1);
    for (let r = 0; r < S.routes.length; r++) {
      const next = r < res.routes.length ? res.routes[r].slice() : [];
      if (next.length === 0 && S.routes[r].nodes.length === 0) continue;
      S.routes[r].nodes = next;
      S.update(r);
    }
    S.unassigned = [];
    return res.iterations;
  }
  const splitter = new Splitter({ N: m.N, cost, depot, fixed: m.vFixed[0], loads, caps });
  const pop = new Population(params);
  const emptySeen = new Uint8Array(S.nTypes);

  let iter = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestRoutes: number[][] = [];
  let sinceBest = 0;

  const load = (routes: number[][]): void => {
    S.routeOf.fill(-1);
    for (let r = 0; r < S.routes.length; r++) {
      const R = S.routes[r];
      const next = r < routes.length ? routes[r].slice() : null;
      if (next === null && R.nodes.length === 0) continue;
      R.nodes = next ?? [];
      S.update(r);
    }
    S.unassigned = [];
  };
  const current = (): number[][] => {
    const out: number[][] = [];
    for (const R of S.routes) if (R.nodes.length > 0) out.push(R.nodes.slice());
    return out;
  };
  const individual = (routes: number[][], c: number): Individual => ({
    tour: giantTour(routes, J, cost, m.N, depot),
    routes,
    cost: c,
    links: linksOf(routes, J),
    close: [],
    biased: 0,
  });
  const consider = (ind: Individual): void => {
    pop.add(ind);
    if (ind.cost < best - 1e-9) {
      best = ind.cost;
      bestRoutes = ind.routes;
      sinceBest = 0;
      h.onBest(best, bestRoutes);
    }
  };

  // Education: granular local search (+ SWAP*), then optional SISR descents (each accepted
  // when not worse, local search again on every improvement).
  const removed: number[] = [];
  const touched: number[] = [];
  const saved: number[][] = [];
  const touchedMark = new Int32Array(m.V).fill(-1);
  let stamp = 0;
  const onTouch = (r: number): void => {
    if (touchedMark[r] === stamp) return;
    touchedMark[r] = stamp;
    saved[r] = S.routes[r].nodes.slice();
    touched.push(r);
  };
  const educate = (routes: number[][]): Individual => {
    load(routes);
    localSearch(S, rng, params.granularity, 50, params.swapStar);
    if (params.sisrMoves > 0 && h.ruin) {
      let cur = S.totalCost();
      for (let k = 0; k < params.sisrMoves; k++) {
        stamp++;
        touched.length = 0;
        ruin(S, h.ruin, rng, onTouch, removed);
        rng.shuffle(removed);
        recreate(S, removed, h.blinkRate ?? 0.01, rng, emptySeen, onTouch, h.insertionNeighbours ?? 0);
        const c = S.totalCost();
        if (S.unassigned.length === 0 && c < cur - 1e-9) {
          localSearch(S, rng, params.granularity, 50, params.swapStar);
          cur = S.totalCost();
        } else if (S.unassigned.length === 0 && c <= cur + 1e-9) cur = c;
        else {
          for (const r of touched) {
            S.routes[r].nodes = saved[r];
            S.update(r);
          }
          for (const j of S.unassigned) S.routeOf[j] = -1;
          S.unassigned = [];
        }
      }
    }
    if (params.annealPerJob > 0 && h.ruin) anneal(Math.max(500, Math.round(params.annealPerJob * J)));
    const out = current();
    return individual(out, S.totalCost());
  };

  // SISR under simulated annealing from S's plan; S ends on the best plan of the run.
  const anneal = (len: number): void => {
    let cur = S.totalCost();
    let arc = 0;
    for (const R of S.routes) if (R.nodes.length > 0) arc += R.cost - m.vFixed[R.v];
    const scale = arc / J;
    const T0 = Math.max(1e-9, params.tempStart * scale);
    const Tf = Math.max(1e-12, params.tempEnd * scale);
    let runBest = cur;
    let runBestRoutes = current();
    let T = T0;
    for (let k = 0; k < len; k++) {
      if ((k & 31) === 0) T = T0 * Math.pow(Tf / T0, k / len);
      stamp++;
      touched.length = 0;
      ruin(S, h.ruin!, rng, onTouch, removed);
      sortRemoved(removed);
      recreate(S, removed, h.blinkRate ?? 0.01, rng, emptySeen, onTouch, h.insertionNeighbours ?? 0);
      const c = S.unassigned.length === 0 ? S.totalCost() : Number.POSITIVE_INFINITY;
      if (c < cur - T * Math.log(1 - rng.next())) {
        cur = c;
        if (c < runBest - 1e-9) {
          localSearch(S, rng, params.granularity, 50, false);
          cur = S.totalCost();
          runBest = cur;
          runBestRoutes = current();
        }
      } else {
        for (const r of touched) {
          S.routes[r].nodes = saved[r];
          S.update(r);
        }
        for (const j of S.unassigned) S.routeOf[j] = -1;
        S.unassigned = [];
      }
    }
    load(runBestRoutes);
  };
  const far = new Float64Array(J);
  for (let j = 0; j < J; j++) far[j] = m.dist[depot * m.N + j];
  /** SISR's recreate orders (weights 4:4:2:1): random, largest demand, farthest, closest. */
  const sortRemoved = (jobs: number[]): void => {
    const x = rng.int(11);
    if (x < 4) rng.shuffle(jobs);
    else if (x < 8) jobs.sort((a, b) => m.weight[b] - m.weight[a]);
    else if (x < 10) jobs.sort((a, b) => far[b] - far[a]);
    else jobs.sort((a, b) => far[a] - far[b]);
  };

  const scratch = new Int32Array(J);
  const seen = new Uint8Array(J);
  const fromTour = (tour: Int32Array): Individual | null => {
    const s = splitter.split(tour);
    return s ? educate(s.routes) : null;
  };

  // The construction (already improved by the caller) founds the first population.
  consider(individual(current(), S.totalCost()));
  iter++;
  const initial = 4 * params.mu;
  const seedPopulation = (): void => {
    for (let i = 0; i < initial && !h.timeUp(iter); i++) {
      for (let k = 0; k < J; k++) scratch[k] = k;
      rng.shuffle(scratch);
      let ind: Individual | null;
      if (params.randomInitial) ind = fromTour(scratch.slice());
      else {
        // Greedy insertion in random order: a diverse start much closer to a local optimum
        // than a split random tour, so its education costs a fraction.
        load([]);
        recreate(S, Array.from(scratch), 0.01, rng, emptySeen, () => {}, h.insertionNeighbours ?? 0);
        ind = S.unassigned.length === 0 ? educate(current()) : null;
      }
      iter++;
      if (ind) consider(ind);
    }
  };
  seedPopulation();
  while (!h.timeUp(iter)) {
    if (sinceBest >= params.restartAfter) {
      // Restart (Vidal 2022, section 3): a fresh population; the best plan stays in hand.
      pop.clear();
      sinceBest = 0;
      seedPopulation();
      continue;
    }
    if (h.takeShared && iter % 50 === 0) {
      const got = h.takeShared(best);
      if (got) {
        load(got.routes);
        consider(individual(current(), S.totalCost()));
      }
    }
    pop.updateBiasedFitness();
    const a = pop.tournament(rng);
    const b = pop.tournament(rng);
    randomOrderedCrossover(a.tour, b.tour, rng, scratch, seen);
    const child = fromTour(scratch.slice());
    iter++;
    sinceBest++;
    if (child) consider(child);
  }
  load(bestRoutes);
  return iter;
}
