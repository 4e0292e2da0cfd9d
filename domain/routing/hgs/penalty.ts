/**
 * Adaptive capacity penalty (Vidal et al. 2012, "A hybrid genetic algorithm for multidepot and
 * periodic vehicle routing problems", Operations Research 60(3), section 4.5; HGS-CVRP's values,
 * Vidal 2022, table 2): every `every` educations, the penalty grows by 20 % when fewer than the
 * target share (20 %) of them came out feasible, less 5 points, and shrinks by 15 % when more than
 * the target plus 5 points did; bounded to [0.1, 100,000]. Starts at max distance / max demand.
 */
export class CapacityPenalty {
  value: number;
  private feasible = 0;
  private count = 0;

  constructor(
    initial: number,
    readonly target = 0.2,
    readonly every = 100,
  ) {
    this.value = Math.max(0.1, Math.min(1000, initial));
  }

  /** Records one education's outcome; true when the penalty changed. */
  record(isFeasible: boolean): boolean {
    this.count++;
    if (isFeasible) this.feasible++;
    if (this.count < this.every) return false;
    const share = this.feasible / this.count;
    this.count = 0;
    this.feasible = 0;
    const before = this.value;
    if (share < this.target - 0.05) this.value = Math.min(100000, this.value * 1.2);
    else if (share > this.target + 0.05) this.value = Math.max(0.1, this.value * 0.85);
    return this.value !== before;
  }
}
