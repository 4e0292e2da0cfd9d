/**
 * The floor's hot statements, sent once on a connection before it serves handhelds. A backend that has not run a
 * statement yet parses it and fills its catalogue caches on the first execution (tens of milliseconds for the
 * claim and scan-confirm statements, well under a millisecond once warm); a pool that opens its connections on
 * demand puts that cost on the scans that happen to get a new one, which is where the confirm and claim p99 came
 * from (issue 19). Every statement runs with parameters that match no row, then one real claim and scan-confirm runs on
 * a throwaway warehouse (warmFloorChecks: the foreign-key checks their writes make), all in a transaction the caller
 * rolls back (platform/db.ts keepPoolWarm).
 */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { gs1CheckDigit } from '../scanning/index.js';
import { systemClock } from '../shared/clock.js';
import type { Actor } from '../shared/roles.js';
import { pgPrepared } from '../shared/sql.js';
import { CLAIM_SQL, claimNext } from '../tasks/task.service.js';
import { USER_TOKEN_STATE_SQL } from '../identity/user-admin.service.js';
import { confirmPick, confirmPickWarmUp } from './pick-confirm.js';
import { CARTS_CODE } from './floor-locations.js';

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
 * serves, then claims and confirms for real (warmFloorChecks; `onChecksFailed` hears when that fails). A statement that
 * fails has been parsed all the same, and ends the transaction: the rest are not sent. Returns how many statements went
 * through (at least once).
 */
export async function warmFloorStatements(tx: EntityManager, onChecksFailed?: (err: unknown) => void): Promise<number> {
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
  // Last, as it ends the transaction when it fails: the statements above are warm whatever happens here.
  await warmFloorChecks(tx, user!.id).catch((err: unknown) => onChecksFailed?.(err));
  return statements.length;
}

/**
 * One statement: a throwaway warehouse with one pick face, a SKU with a GTIN-13, its stock reserved for a released
 * order's line, and an open pick task for that line (`$1` the warehouse code, `$2` the SKU code, `$3` the GTIN).
 */
const CHECKS_FIXTURE_SQL = `
  with wh as (insert into warehouse (code, name) values (?, 'warm-up') returning id),
  loc as (insert into location (warehouse_id, code, type) select id, 'WARM-UP', 'pick_face' from wh returning id, warehouse_id),
  carts as (insert into location (warehouse_id, code, type) select id, '${CARTS_CODE}', 'virtual' from wh returning id),
  s as (insert into sku (code, name) values (?, 'warm-up') returning id),
  bc as (insert into sku_barcode (barcode, sku_id, kind) select ?, id, 'gtin13' from s returning 1),
  bal as (
    insert into stock_balance (warehouse_id, location_id, sku_id, on_hand, reserved)
    select loc.warehouse_id, loc.id, s.id, 1, 1 from loc, s returning id, warehouse_id, location_id, sku_id),
  so as (
    insert into sales_order (warehouse_id, external_id, source, currency, status)
    select id, 'warm-up', 'api', 'EUR', 'released' from wh returning id),
  ol as (insert into order_line (order_id, line_no, qty, sku_id, allocated_qty) select so.id, 1, 1, s.id, 1 from so, s returning id, order_id),
  res as (
    insert into stock_reservation (warehouse_id, balance_id, sku_id, qty, ref_type, ref_id)
    select bal.warehouse_id, bal.id, bal.sku_id, 1, 'order_line', ol.id::text from bal, ol returning id),
  t as (insert into task (warehouse_id, type, roles, qty, order_id) select wh.id, 'pick', '{picker}', 1, so.id from wh, so returning id),
  tl as (
    insert into task_line (task_id, warehouse_id, seq, order_id, order_line_id, reservation_id, sku_id, location_id, qty, cart_slot)
    select t.id, bal.warehouse_id, 1, ol.order_id, ol.id, res.id, bal.sku_id, bal.location_id, 1, 1 from t, bal, ol, res returning 1)
  select id as warehouse_id from wh`;

/**
 * A backend prepares the query of each foreign-key check (RI_FKey_check) the first time a row it writes needs that
 * check, and keeps it: on a fresh connection the first real claim and scan-confirm pay for a dozen of them
 * (stock_movement alone has six foreign keys, the new balance in CARTS four, the tote and its LPN three each, every
 * outbox row one). The statements above write nothing, so they left those checks cold on each of the pool's
 * connections (in psql under load 9: the first stock_movement row on a connection 13-42 ms, the next 0.4-6 ms).
 * So the warm-up also claims and confirms for real, on a throwaway warehouse that the caller's rollback removes
 * with everything the claim and the confirm wrote. Rejects when any step fails (which ends the transaction).
 */
export async function warmFloorChecks(tx: EntityManager, userId: string): Promise<void> {
  const tag = randomBytes(6).toString('hex').toUpperCase();
  // A GTIN-13 of the in-store range (prefix 2), unique to this warm-up: two at once never wait on each other's insert.
  const body = `2${BigInt(`0x${tag}`).toString().padStart(11, '0').slice(-11)}`;
  const gtin = `${body}${gs1CheckDigit(body)}`;
  const [fx] = await pgPrepared<{ warehouse_id: string }>(tx, CHECKS_FIXTURE_SQL, [`WU-${tag}`, `WARM-UP-${tag}`, gtin]);
  const actor: Actor = { kind: 'user', id: userId, roles: ['picker'], warehouseIds: [fx!.warehouse_id], allWarehouses: false, scopes: [] };
  const opts = { leaseS: 60 };
  const task = await claimNext(tx, actor, { warehouseId: fx!.warehouse_id, types: ['pick'] }, systemClock, opts);
  const line = task?.lines?.[0];
  if (!task || !line) throw new Error('the warm-up task was not claimed');
  await confirmPick(
    tx,
    actor,
    task.id,
    line.id,
    { locationScan: 'WARM-UP', itemScan: gtin, qty: 1, toteScan: `WU-${tag}` },
    systemClock,
    opts,
  );
}
