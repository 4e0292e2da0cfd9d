/** Pure pack rules: expected carton weight and the scale tolerance check. */

/** Tolerance in grams for an expected weight: the larger of a share and a floor (scales and packing material vary). */
export function weightToleranceG(expectedG: number, pct: number, minG: number): number {
  return Math.max(Math.round((expectedG * pct) / 100), minG);
}

/** Does a scale reading match the expected weight within tolerance? */
export function weightWithinTolerance(actualG: number, expectedG: number, pct: number, minG: number): boolean {
  return Math.abs(actualG - expectedG) <= weightToleranceG(expectedG, pct, minG);
}
