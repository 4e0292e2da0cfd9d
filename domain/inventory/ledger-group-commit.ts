/**
 * Group commit for ledger calls made outside a transaction (the API's reservation and movement paths).
 *
 * Each call still holds its balance-row locks for one round trip, but on a hot SKU hundreds of such
 * calls queue on one row, and every hand-over costs a commit (a WAL flush) and a wake-up of the next
 * backend: on a loaded 2-core machine that is milliseconds each, and 260 of them in a row made a flash
 * sale take seconds. Calls that arrive while earlier batches are in flight are sent together as one
 * `ledger_batch` call: one round trip, one commit, each call in its own subtransaction so a failing one
 * (insufficient stock) is undone alone. No timer: a call waits only for a batch slot, never for company
 * (platform/group-commit.ts). Calls waiting together are spread over the free batch slots by SKU, so the
 * batches in flight run on as many backends (cores) at once without touching each other's balances; with one
 * slot taking everything, 16 clients in a closed loop made every batch a single one, run by one backend.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlPreparedOne } from '../shared/sql.js';
import { GroupCommit } from '../../platform/group-commit.js';

export type LedgerFn = 'ledger_move' | 'ledger_reserve';
/** One item's outcome as ledger_batch reports it. */
export type LedgerBatchItem = { ok: true; r: unknown } | { ok: false; code: string; message: string; detail: string | null };
export type LedgerBatchRow = { r: LedgerBatchItem[] };

/** Batches in flight at once per ORM: a batch stuck behind a long lock does not stop the others. */
const CONCURRENCY = 4;
/**
 * Of those, the ones that start as soon as calls wait; the other two stand by until calls have waited STANDBY_MS with no
 * batch started. Four batches started freely split 16 closed-loop clients' calls into batches of about three: at
 * 0.30 statements a move, 3,172 moves/s; with two eager and two standing by, 0.13 statements a move and 3,707/s on the
 * same 2-core machine (bench/ledger/profile.ts, pgbench -N 6,747–6,787 tps in the same runs; one eager: 3,117/s).
 */
const EAGER = 2;
const STANDBY_MS = 10;
const MAX_BATCH = 100;
const ATTEMPTS = 5;

/** The error a failed item rejects with: the SQLSTATE as `code`, like a driver error, and the detail. */
export class LedgerCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly detail: string | null,
  ) {
    super(message);
  }
}

interface Item {
  fn: LedgerFn;
  arg: Record<string, unknown>;
}

/** One ledger_batch call for the items; a deadlock or serialization failure retries the whole batch. */
async function writeBatch(em: EntityManager, items: Item[]): Promise<LedgerBatchItem[]> {
  const body = JSON.stringify(items);
  for (let i = 1; ; i++) {
    try {
      return (await sqlPreparedOne<LedgerBatchRow>(em, 'select ledger_batch(?::jsonb) as r', [body]))!.r;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= ATTEMPTS || (code !== '40001' && code !== '40P01')) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** i));
    }
  }
}

/**
 * The rows an item locks are balances of its SKU (and its reservations): batches in flight at once take
 * different SKUs, so they do not wait on each other's row locks, and one SKU's calls run in submission order.
 * (Arrivals at a location with a capacity limit also take that location's advisory lock: two batches moving
 * different SKUs into one such location still queue there, and a deadlock retries the batch as before.)
 */
const itemKey = (i: Item) => `${String(i.arg.warehouseId)}:${String(i.arg.skuId)}`;

const byDriver = new WeakMap<object, GroupCommit<Item, LedgerBatchItem>>();

/** Runs one ledger function call outside any transaction, grouped with the calls in flight beside it. */
export async function groupCommit<T>(em: EntityManager, fn: LedgerFn, arg: Record<string, unknown>): Promise<T> {
  const key = em.getDriver();
  let g = byDriver.get(key);
  if (!g) {
    // Each batch runs on a fork of the first caller's manager: outside any transaction, one statement on a
    // connection of the ORM's pool (sqlPrepared sends it through node-postgres; the manager holds no entities).
    const base = em.fork();
    byDriver.set(
      key,
      (g = new GroupCommit((items) => writeBatch(base, items), {
        maxBatch: MAX_BATCH,
        concurrency: CONCURRENCY,
        eagerWriters: EAGER,
        standbyMs: STANDBY_MS,
        spreadBy: itemKey,
      })),
    );
  }
  const out = await g.submit({ fn, arg });
  if (!out.ok) throw new LedgerCallError(out.message, out.code, out.detail);
  return out.r as T;
}
