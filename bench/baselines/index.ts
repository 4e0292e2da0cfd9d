/** Baselines a benchmark measures in the same run, so its figures are ratios on a noisy machine. */
export { pgbenchSimpleUpdate, pgbenchInsert, findPgbench, parsePgbenchOutput, type PgbenchResult, type PgbenchOptions } from './pgbench.js';
export { trivialFastifyBaseline, httpLoad, type HttpLoadResult, type HttpLoadOptions } from './http.js';
export { redisRoundTrip, type RedisRoundTripResult } from './redis.js';
