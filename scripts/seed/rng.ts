// Demo data uses the project's one seeded PRNG.
export { mulberry32 as rng } from '../../domain/shared/rng.js';
