import type { Rng } from '../prng.js';
import { randomOrderedCrossover } from './crossover.js';
import { linksOf } from './distance.js';
import { giantTour } from './giant-tour.js';
import { CapacityPenalty } from './penalty.js';
import { PenalisedSearch, type CvrpData } from './penalised-search.js';
import { Population, type Individual, type PopulationParams } from './population.js';
import { SoftSplitter } from './soft-split.js';

/**
 * HGS-CVRP's main loop (Vidal 2022, "Hybrid genetic search for the CVRP: Open-source
 * implementation and SWAP* neighborhood", Computers & Operations Research 140:105643, section 3,
 * algorithm 1; Vidal et al. 2012, Operations Research 60(3), section 4): a feasible and an
 * infeasible subpopulation, each grown from mu to mu + lambda and cut back on biased fitness
 * (population.ts); parents by binary tournament over both; ordered crossover of their giant
 * tours (crossover.ts), Split under the current capacity penalty (soft-split.ts), education by the
 * penalised local search with SWAP* (penalised-search.ts); an infeasible offspring goes to the
 * infeasible subpopulation and, one time in two, is repaired by the same search at 10× the
 * penalty, joining the feasible one if that makes it feasible. The penalty adapts to a target
 * share of feasible educations (penalty.ts). A restart after `restartAfter` offspring without a
 * new best. Budget-independent: a longer run on the same seed replays the shorter one.
 */

export interface PenalisedHgsParams extends PopulationParams {
  granularity: number;
  restartAfter: number;
  /** Share of feasible offspring after education the penalty aims at (HGS: 0.2). */
  targetFeasible: number;
  /** Probability of repairing an infeasible offspring (HGS: 0.5). */
  repairProbability: number;
  /** Initial individuals = initialFactor × mu (HGS: 4). */
  initialFactor: number;
  /**
   * Initial giant tours: 'random' (HGS) or 'nearest' (randomised nearest neighbour from the depot,
   * each step to one of the 3 nearest unvisited jobs): split and educated much faster.
   */
  initialTours: 'random' | 'nearest';
  /**
   * Share of offspring split with a limited fleet, one route fewer than the best feasible plan,
   * while that plan has more routes than the loads' lower bound (0: never). See `educateFewer`.
   */
  fewerRoutes: number;
}

export interface PenalisedHgsHooks {
  rng: Rng;
  timeUp: (iterations: number) => boolean;
  onBest: (cost: number, routes: number[][]) => void;
  takeShared?: (cost: number) => { cost: number; routes: number[][] } | null;
}

export interface PenalisedHgsResult {
  iterations: number;
  routes: number[][];
  cost: number;
}

/** Correlated jobs: each job's `k` nearest, made symmetric (HGS-CVRP's correlatedVertices). */
export function correlated(J: number, neighbours: Int32Array, K: number, k: number): Int32Array[] {
  const sets = Array.from({ length: J }, () => new Set<number>());
  for (let u = 0; u < J; u++)
    for (let t = 0; t < Math.min(k, K); t++) {
      const v = neighbours[u * K + t];
      sets[u].add(v);
      sets[v].add(u);
    }
  return sets.map((s) => Int32Array.from(s));
}

export function penalisedHgs(d: CvrpData, start: number[][], params: PenalisedHgsParams, h: PenalisedHgsHooks): PenalisedHgsResult {
  const J = d.J;
  const rng = h.rng;
  let maxCost = 0;
  let maxDemand = 0;
  for (let j = 0; j < J; j++) maxDemand = Math.max(maxDemand, d.demand[j]);
  for (let a = 0; a < d.N; a++) for (let b = 0; b < d.N; b++) maxCost = Math.max(maxCost, d.cost[a * d.N + b]);
  const penalty = new CapacityPenalty(maxDemand > 0 ? maxCost / maxDemand : 1, params.targetFeasible);
  const ls = new PenalisedSearch(d, J);
  const splitter = new SoftSplitter(d);
  const feasible = new Population(params);
  const infeasible = new Population(params);

  let iter = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestRoutes: number[][] = start;
  let sinceBest = 0;

  const individual = (routes: number[][], distance: number, excess: number): Individual => ({
    tour: giantTour(routes, J, d.cost, d.N, d.depot, d.xy),
    routes,
    cost: distance + penalty.value * excess,
    distance,
    excess,
    links: linksOf(routes, J),
    close: [],
    biased: 0,
  });
  const considerFeasible = (ind: Individual): void => {
    feasible.add(ind);
    if (ind.cost < best - 1e-9) {
      best = ind.cost;
      bestRoutes = ind.routes;
      sinceBest = 0;
      h.onBest(best, bestRoutes);
    }
  };
  const reprice = (): void => infeasible.reprice((ind) => ind.distance! + penalty.value * ind.excess!);

  /** Educates the routes in `ls` and files the result (and its repair) in the subpopulations. */
  const educate = (routes: number[][]): void => {
    ls.load_(routes);
    ls.penalty = penalty.value;
    ls.run(rng);
    const excess = ls.excess();
    const ind = individual(ls.routes(), ls.distance(), excess);
    const ok = excess < 1e-9;
    if (ok) considerFeasible(ind);
    else infeasible.add(ind);
    if (penalty.record(ok)) reprice();
    if (!ok && rng.next() < params.repairProbability) {
      ls.penalty = penalty.value * 10;
      ls.run(rng);
      if (ls.excess() < 1e-9) considerFeasible(individual(ls.routes(), ls.distance(), 0));
    }
  };

  /**
   * A route-count-minimising education (issue 17; the route-elimination idea of Nagata & Bräysy
   * 2009, "A powerful route minimization heuristic for the vehicle routing problem with time
   * windows", Operations Research Letters 37(5), brought to HGS's own components): the offspring's
   * giant tour is split into at most `maxRoutes` routes by the limited-fleet Split (Vidal 2016,
   * section 5; soft-split.ts) and educated by the penalised search without moves into an empty
   * route at the current penalty; an infeasible result joins the infeasible subpopulation, and is
   * then packed under the capacity by packLoads (penalised-search.ts: moves over all jobs, not only
   * correlated ones) and searched again at 100× the penalty, still without a new route. It is not
   * counted in the penalty's feasible share (penalty.ts), which stays that of HGS's own offspring.
   *
   * Why: on X-n153-k22 (30 jobs of 51-98 units among 122 of 1-10, capacity 144; the best-known
   * plan has 23 routes) the search settled on 24 routes, 0.69 %, in 2026-11-30's runs (30 CPU-s,
   * seeds 1 and 2; 10 CPU-s, seeds 1-3; one earlier run found 23 routes at 0.56 %). Its
   * infeasible offspring mostly had 22-23 routes, but the granular moves seldom packed one under
   * the capacity: with the limited Split and 10× / 100× repairs alone, 6 / 4 feasible 23-route
   * plans in ~3,000 offspring (10 CPU-s, seeds 1 / 2); with packLoads, 288 / 50 and a 23-route
   * best, 0.25 / 0.49 % (2026-12-01 00:56-00:59 UTC), and 0.11 / 0.32 % at 30 CPU-s. The share of
   * offspring (HGS_PARAMS.fewerRoutes, 0.15) was set once and not tuned.
   */
  const educateFewer = (tour: Int32Array, maxRoutes: number): void => {
    ls.load_(splitter.split(tour, penalty.value, maxRoutes));
    ls.openRoutes = false;
    ls.penalty = penalty.value;
    ls.run(rng);
    const excess = ls.excess();
    if (excess < 1e-9) considerFeasible(individual(ls.routes(), ls.distance(), 0));
    else {
      infeasible.add(individual(ls.routes(), ls.distance(), excess));
      if (ls.packLoads()) {
        ls.penalty = penalty.value * 100;
        ls.run(rng);
        if (ls.excess() < 1e-9) considerFeasible(individual(ls.routes(), ls.distance(), 0));
      }
    }
    ls.openRoutes = true;
  };
  let totalDemand = 0;
  for (let j = 0; j < J; j++) totalDemand += d.demand[j];
  const routesLowerBound = Math.max(1, Math.ceil(totalDemand / d.cap - 1e-9));

  // The caller's plan (construction and local search) is the first feasible individual.
  let startDistance = 0;
  for (const r of start) {
    let at = d.depot;
    for (const j of r) {
      startDistance += d.cost[at * d.N + j];
      at = j;
    }
    startDistance += d.cost[at * d.N + d.depot] + d.fixed;
  }
  considerFeasible(individual(start, startDistance, 0));
  iter++;

  const scratch = new Int32Array(J);
  const seen = new Uint8Array(J);
  const seedPopulation = (): void => {
    const n = params.initialFactor * params.mu;
    for (let i = 0; i < n && !h.timeUp(iter); i++) {
      if (params.initialTours === 'nearest') nearestTour(d, rng, scratch, seen);
      else {
        for (let k = 0; k < J; k++) scratch[k] = k;
        rng.shuffle(scratch);
      }
      educate(splitter.split(scratch, penalty.value));
      iter++;
    }
  };
  seedPopulation();
  const pick = (): Individual => {
    const nf = feasible.members.length;
    const k = rng.int(nf + infeasible.members.length);
    return k < nf ? feasible.members[k] : infeasible.members[k - nf];
  };
  while (!h.timeUp(iter)) {
    if (sinceBest >= params.restartAfter) {
      // Restart (Vidal 2022, section 3): fresh subpopulations; the best plan stays in hand.
      feasible.clear();
      infeasible.clear();
      sinceBest = 0;
      seedPopulation();
      continue;
    }
    // Two threads (parallel.ts): an island model (Whitley, Rana & Heckendorn 1999, "The island
    // model genetic algorithm", Journal of Computing and Information Technology 7(1); Cantú-Paz
    // 1998, "A survey of parallel genetic algorithms", Calculateurs Parallèles 10(2)). Each thread
    // evolves its own population from its own seed; every 50 offspring the other thread's best,
    // when cheaper than this one's, migrates in as a feasible individual and the biased fitness
    // decides its fate like any other's. HGS-CVRP itself is sequential (Vidal 2022).
    if (h.takeShared && iter % 50 === 0) {
      const got = h.takeShared(best);
      if (got) {
        ls.load_(got.routes);
        considerFeasible(individual(ls.routes(), ls.distance(), 0));
      }
    }
    feasible.updateBiasedFitness();
    infeasible.updateBiasedFitness();
    // Binary tournament over both subpopulations, on each one's biased fitness (HGS-CVRP).
    const a1 = pick();
    const a2 = pick();
    const a = a1.biased < a2.biased ? a1 : a2;
    const b1 = pick();
    const b2 = pick();
    const b = b1.biased < b2.biased ? b1 : b2;
    randomOrderedCrossover(a.tour, b.tour, rng, scratch, seen);
    if (params.fewerRoutes > 0 && bestRoutes.length > routesLowerBound && rng.next() < params.fewerRoutes)
      educateFewer(scratch, bestRoutes.length - 1);
    else educate(splitter.split(scratch, penalty.value));
    iter++;
    sinceBest++;
  }
  return { iterations: iter, routes: bestRoutes, cost: best };
}

/** Randomised nearest-neighbour giant tour from the depot: each step goes to one of the 3 nearest unvisited jobs. */
function nearestTour(d: CvrpData, rng: Rng, out: Int32Array, seen: Uint8Array): void {
  const { J, N, cost } = d;
  seen.fill(0, 0, J);
  let at = d.depot;
  for (let k = 0; k < J; k++) {
    let b0 = -1;
    let b1 = -1;
    let b2 = -1;
    for (let j = 0; j < J; j++) {
      if (seen[j]) continue;
      const c = cost[at * N + j];
      if (b0 < 0 || c < cost[at * N + b0]) {
        b2 = b1;
        b1 = b0;
        b0 = j;
      } else if (b1 < 0 || c < cost[at * N + b1]) {
        b2 = b1;
        b1 = j;
      } else if (b2 < 0 || c < cost[at * N + b2]) b2 = j;
    }
    const r = rng.int(3);
    const pick = r === 2 && b2 >= 0 ? b2 : r >= 1 && b1 >= 0 ? b1 : b0;
    seen[pick] = 1;
    out[k] = pick;
    at = pick;
  }
}
