import { CachedMatrixProvider } from '../routing/matrix/cached.js';
import { GreatCircleMatrixProvider } from '../routing/matrix/great-circle.js';
import { OsrmMatrixProvider } from '../routing/matrix/osrm.js';
import type { MatrixProvider } from '../routing/matrix/provider.js';

let shared: MatrixProvider | undefined;

/**
 * The process-wide matrix provider for delivery days: a local OSRM when `OSRM_URL` is set, else
 * great-circle × road factor at urban speeds; memoised by point list, so re-solving or editing a
 * day whose stops did not change reuses its matrix.
 */
export function dayMatrixProvider(): MatrixProvider {
  // OSRM_URL is read here until platform/config.ts declares it (reported to the lead).
  shared ??= new CachedMatrixProvider(
    process.env.OSRM_URL
      ? new OsrmMatrixProvider({ baseUrl: process.env.OSRM_URL })
      : new GreatCircleMatrixProvider({ defaultArea: 'urban' }),
    16,
  );
  return shared;
}
