// The one seeded PRNG lives in domain/shared/rng.ts.
export { mulberry32 } from '../../shared/rng.js';
