import { CachedMatrixProvider } from '../routing/matrix/cached.js';
import { GreatCircleMatrixProvider } from '../routing/matrix/great-circle.js';
import { OsrmMatrixProvider } from '../routing/matrix/osrm.js';
import type { MatrixProvider } from '../routing/matrix/provider.js';

let shared: MatrixProvider | undefined;
let osrmUrl: string | undefined;

/**
 * Set once at process start from the parsed config (`platform/runtime.ts`, `OSRM_URL`): the domain never reads
 * the environment itself.
 */
export function configureDayMatrix(opts: { osrmUrl?: string }): void {
  if (opts.osrmUrl !== osrmUrl) shared = undefined;
  osrmUrl = opts.osrmUrl;
}

/**
 * The process-wide matrix provider for delivery days: a local OSRM when configured, else
 * great-circle × road factor at urban speeds; memoised by point list, so re-solving or editing a
 * day whose stops did not change reuses its matrix.
 */
export function dayMatrixProvider(): MatrixProvider {
  shared ??= new CachedMatrixProvider(
    osrmUrl ? new OsrmMatrixProvider({ baseUrl: osrmUrl }) : new GreatCircleMatrixProvider({ defaultArea: 'urban' }),
    16,
  );
  return shared;
}
