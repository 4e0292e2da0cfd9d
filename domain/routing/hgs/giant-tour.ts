/**
 * The chromosome of a set of routes: the routes concatenated into one giant tour (Prins 2004;
 * Vidal et al. 2012, section 4.1). With coordinates (`xy`, x and y of node i at 2i and 2i+1),
 * the routes are ordered as HGS-CVRP orders them: by the polar angle of their barycentre around
 * the depot (Vidal 2022, "Hybrid genetic search for the CVRP: Open-source implementation and
 * SWAP* neighborhood", Computers & Operations Research 140:105643; LocalSearch::exportIndividual).
 * Without coordinates (a matrix only), routes are chained from the depot by nearest route start to
 * the previous route's end.
 */
export function giantTour(
  routes: number[][],
  jobs: number,
  cost: Float64Array,
  N: number,
  depot: number,
  xy?: Float64Array | null,
): Int32Array {
  const tour = new Int32Array(jobs);
  let k = 0;
  if (xy) {
    const x0 = xy[2 * depot];
    const y0 = xy[2 * depot + 1];
    const keyed = routes.map((r, i) => {
      let sx = 0;
      let sy = 0;
      for (const j of r) {
        sx += xy[2 * j];
        sy += xy[2 * j + 1];
      }
      return { i, a: r.length > 0 ? Math.atan2(sy / r.length - y0, sx / r.length - x0) : Number.POSITIVE_INFINITY };
    });
    keyed.sort((p, q) => p.a - q.a || p.i - q.i);
    for (const { i } of keyed) for (const j of routes[i]) tour[k++] = j;
    return tour;
  }
  const done = new Uint8Array(routes.length);
  let at = depot;
  for (let n = 0; n < routes.length; n++) {
    let pick = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let r = 0; r < routes.length; r++) {
      if (done[r]) continue;
      const d = cost[at * N + routes[r][0]];
      if (d < bestD) {
        bestD = d;
        pick = r;
      }
    }
    done[pick] = 1;
    for (const j of routes[pick]) tour[k++] = j;
    at = routes[pick][routes[pick].length - 1];
  }
  return tour;
}
