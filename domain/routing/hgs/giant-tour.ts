/**
 * The chromosome of a set of routes: the routes concatenated into one giant tour (Prins 2004;
 * Vidal et al. 2012, section 4.1). HGS-CVRP orders the routes by the polar angle of their
 * barycentre around the depot; the model has a matrix, not coordinates, so routes are chained
 * here from the depot by nearest route start to the previous route's end.
 */
export function giantTour(routes: number[][], jobs: number, cost: Float64Array, N: number, depot: number): Int32Array {
  const tour = new Int32Array(jobs);
  const done = new Uint8Array(routes.length);
  let k = 0;
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
