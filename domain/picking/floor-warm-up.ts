/**
 * The floor's hot statements, sent once on a connection before it serves handhelds. A backend that has not run a
 * statement yet parses it and fills its catalogue caches on the first execution (tens of milliseconds for the
 * claim and scan-confirm statements, well under a millisecond once warm); a pool that opens its connections on
 * demand puts that cost on the scans that happen to get a new one, which is where the confirm and claim p99 came
 * from (issue 19). Every statement runs with parameters that match no row, in a transaction the caller rolls back
 * (platform/db.ts keepPoolWarm).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgPrepared } from '../shared/sql.js';
import { CLAIM_SQL } from '../tasks/task.service.js';
import { USER_TOKEN_STATE_SQL } from '../identity/user-admin.service.js';
import { confirmPickWarmUp } from './pick-confirm.js';

const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * Each hot statement with parameters that match nothing. Not the claim's profile upsert: it would insert (a nil user
 * fails its foreign key), and its one-row plan is cheap; worker_profile's catalogue entries come with the confirm's write.
 */
export function floorWarmUpStatements(): { text: string; params: unknown[] }[] {
  const now = new Date(0).toISOString();
  return [
    { text: USER_TOKEN_STATE_SQL, params: [NIL] },
    {
      text: CLAIM_SQL,
      // The claim's 21 parameters (see claimNext): nobody holds a task, and the nil warehouse has none open.
      params: [NIL, NIL, NIL, '{}', '{}', '{}', '{}', null, null, NIL, now, null, null, null, NIL, null, now, now, now, now, NIL],
    },
    ...confirmPickWarmUp(),
  ];
}

/**
 * Sends every hot statement once on the connection of `tx` (a transaction the caller rolls back). A statement that
 * fails has been parsed all the same, and ends the transaction: the rest are not sent. Returns how many went through.
 */
export async function warmFloorStatements(tx: EntityManager): Promise<number> {
  let ok = 0;
  for (const s of floorWarmUpStatements()) {
    try {
      await pgPrepared(tx, s.text, s.params);
      ok++;
    } catch {
      break;
    }
  }
  return ok;
}
