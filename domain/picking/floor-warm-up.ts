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
 * Each hot statement with parameters that match nothing (`user`: a user only this transaction sees, for the claim's
 * profile upsert and its foreign key). The claim last: it locks that user's new profile row until the rollback.
 */
export function floorWarmUpStatements(user = NIL): { text: string; params: unknown[] }[] {
  const now = new Date(0).toISOString();
  return [
    { text: USER_TOKEN_STATE_SQL, params: [NIL] },
    ...confirmPickWarmUp(),
    {
      text: CLAIM_SQL,
      // The claim's 18 parameters (see claimNext): the user holds no task, and the nil warehouse has none open.
      params: [user, user, NIL, user, '{}', null, null, null, null, user, now, user, null, now, now, now, now, user],
    },
  ];
}

/**
 * How many times the warm-up sends each statement. PostgreSQL plans the first five executions of a prepared statement
 * for their parameters (custom plans), and only the sixth builds the generic plan that every later execution reuses
 * when it costs no more (plan_cache_mode auto). Planning the claim or the confirm's write takes milliseconds (tens on
 * a busy machine), so a connection warmed with one execution still planned its next five claims, reads and writes of
 * each kind: with 20 connections, about 100 of a floor's first requests of each statement (issue 19).
 */
export const WARM_UP_ROUNDS = 6;

/**
 * Sends every hot statement WARM_UP_ROUNDS times on the connection of `tx` (a transaction the caller rolls back, with
 * the user it creates for the claim), so the connection has each one parsed and its generic plan built before it
 * serves. A statement that fails has been parsed all the same, and ends the transaction: the rest are not sent.
 * Returns how many statements went through (at least once).
 */
export async function warmFloorStatements(tx: EntityManager): Promise<number> {
  const [user] = await pgPrepared<{ id: string }>(
    tx,
    `insert into app_user (username, display_name, password_hash, roles) values ('warm-up-' || gen_random_uuid(), 'warm-up', '-', '{picker}') returning id`,
    [],
  );
  const statements = floorWarmUpStatements(user!.id);
  for (let round = 1; round <= WARM_UP_ROUNDS; round++) {
    for (const [i, s] of statements.entries()) {
      try {
        await pgPrepared(tx, s.text, s.params);
      } catch {
        return round === 1 ? i : statements.length;
      }
    }
  }
  return statements.length;
}
