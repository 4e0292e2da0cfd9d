import type { Rng } from '../prng.js';
import { brokenPairsDistance, type Links } from './distance.js';

/**
 * The population of HGS (Vidal et al. 2012, "A hybrid genetic algorithm for multidepot and
 * periodic vehicle routing problems", Operations Research 60(3), section 4.4; parameters and
 * details of Vidal 2022, "Hybrid genetic search for the CVRP: Open-source implementation and
 * SWAP* neighborhood", Computers & Operations Research 140:105643): individuals ranked by a
 * biased fitness that mixes their cost rank with their rank in diversity contribution (the mean
 * broken-pairs distance to their `nbClose` closest individuals), so that a good but redundant
 * individual is removed before a slightly worse but distinct one. The population grows from
 * `mu` to `mu + lambda` and is then cut back to `mu`, clones first, then worst biased fitness.
 * Only feasible individuals live here: this education never leaves the feasible space.
 */

export interface Individual {
  /** Giant tour (chromosome): every job once, routes concatenated. */
  tour: Int32Array;
  routes: number[][];
  cost: number;
  links: Links;
  /** Other individuals by increasing distance. */
  close: { d: number; ind: Individual }[];
  biased: number;
  /** Penalised search (penalised-hgs.ts): arc and fixed costs, and load over the capacity; cost = distance + penalty × excess. */
  distance?: number;
  excess?: number;
}

export interface PopulationParams {
  mu: number;
  lambda: number;
  nbElite: number;
  nbClose: number;
}

/** HGS-CVRP's defaults (Vidal 2022, table 2). */
export const HGS_DEFAULTS: PopulationParams = { mu: 25, lambda: 40, nbElite: 4, nbClose: 5 };

export class Population {
  readonly members: Individual[] = [];

  constructor(readonly params: PopulationParams) {}

  /** Adds an individual (kept sorted by cost) and cuts the population back to mu when it reached mu + lambda. */
  add(ind: Individual): void {
    for (const o of this.members) {
      const d = brokenPairsDistance(ind.links, o.links);
      insertClose(ind, o, d);
      insertClose(o, ind, d);
    }
    let k = this.members.length;
    while (k > 0 && this.members[k - 1].cost > ind.cost) k--;
    this.members.splice(k, 0, ind);
    if (this.members.length >= this.params.mu + this.params.lambda) {
      while (this.members.length > this.params.mu) this.removeWorst();
    }
  }

  /** New costs for every member (the capacity penalty changed), re-sorted. */
  reprice(costOf: (ind: Individual) => number): void {
    for (const ind of this.members) ind.cost = costOf(ind);
    this.members.sort((a, b) => a.cost - b.cost);
  }

  clear(): void {
    this.members.length = 0;
  }

  /** Mean distance to the `nbClose` closest individuals (diversity contribution). */
  private contribution(ind: Individual): number {
    const k = Math.min(this.params.nbClose, ind.close.length);
    if (k === 0) return 0;
    let s = 0;
    for (let i = 0; i < k; i++) s += ind.close[i].d;
    return s / k;
  }

  /** Biased fitness = cost rank + (1 − nbElite / size) × diversity rank, both scaled to [0, 1]. */
  updateBiasedFitness(): void {
    const pop = this.members;
    const n = pop.length;
    if (n === 1) {
      pop[0].biased = 0;
      return;
    }
    const byDiv = pop.map((ind, i) => ({ c: -this.contribution(ind), i }));
    byDiv.sort((x, y) => x.c - y.c || x.i - y.i);
    for (let r = 0; r < n; r++) {
      const divRank = r / (n - 1);
      const fitRank = byDiv[r].i / (n - 1);
      pop[byDiv[r].i].biased = n <= this.params.nbElite ? fitRank : fitRank + (1 - this.params.nbElite / n) * divRank;
    }
  }

  private removeWorst(): void {
    this.updateBiasedFitness();
    const pop = this.members;
    // The best individual is never removed; among the others, clones go first.
    let worst = 1;
    let worstClone = false;
    let worstFit = -1;
    for (let i = 1; i < pop.length; i++) {
      const clone = pop[i].close.length > 0 && pop[i].close[0].d < 1e-9;
      if ((clone && !worstClone) || (clone === worstClone && pop[i].biased > worstFit)) {
        worst = i;
        worstClone = clone;
        worstFit = pop[i].biased;
      }
    }
    const gone = pop[worst];
    pop.splice(worst, 1);
    for (const o of pop) {
      const k = o.close.findIndex((e) => e.ind === gone);
      if (k >= 0) o.close.splice(k, 1);
    }
  }

  /** Binary tournament on biased fitness (call updateBiasedFitness first). */
  tournament(rng: Rng): Individual {
    const pop = this.members;
    const a = pop[rng.int(pop.length)];
    const b = pop[rng.int(pop.length)];
    return a.biased < b.biased ? a : b;
  }

  /** Mean broken-pairs distance over the population (diagnostics). */
  diversity(): number {
    let s = 0;
    for (const ind of this.members) s += this.contribution(ind);
    return this.members.length ? s / this.members.length : 0;
  }
}

function insertClose(into: Individual, other: Individual, d: number): void {
  const c = into.close;
  let k = c.length;
  while (k > 0 && c[k - 1].d > d) k--;
  c.splice(k, 0, { d, ind: other });
}
