/** Pick-path optimizer: the public surface the picking service calls. Pure, no I/O. */
export type { WarehouseLayout, PickLocation, DepotLocation, GraphPoint } from './layout.js';
export { validateLayout, blockCount, layoutHash } from './layout.js';
export { fromLocations } from './from-locations.js';
export type { LayoutLocationRow, FromLocationsOptions, LocationGraph } from './from-locations.js';
export { sequencePicks } from './sequence-picks.js';
export type { SequenceOptions, SequenceResult, SequenceMethod } from './sequence-picks.js';
export { resequence } from './resequence.js';
export type { RouteInProgress, ResequenceOptions, ResequenceResult } from './resequence.js';
export { routeLengthMm } from './route-length.js';
export { DistanceCache, defaultDistanceCache } from './distance-cache.js';
