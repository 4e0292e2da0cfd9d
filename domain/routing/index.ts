/** Public surface of the routing context's pure rules. */
export { solve, type SolveOptions } from './solver.js';
export { solveParallel } from './parallel.js';
export { checkSolution, checkedRoutes, type CheckedRoute, type CheckReport } from './checker.js';
export type { PlannedRoute } from './describe.js';
export * from './routing.schemas.js';
export type { AreaType, GeoPoint, MatrixProvider, TravelMatrix } from './matrix/provider.js';
export { GreatCircleMatrixProvider, haversineM, type GreatCircleOptions } from './matrix/great-circle.js';
export { OsrmMatrixProvider, type OsrmOptions } from './matrix/osrm.js';
export { CachedMatrixProvider } from './matrix/cached.js';
export { ProfileMatrices, type ProfileSpec } from './matrix/profiles.js';
