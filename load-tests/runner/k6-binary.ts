import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable `k6` on PATH, or null. */
export function findK6(pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'k6');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
