/**
 * Group commit for ledger calls made outside a transaction (the API's reservation and movement paths).
 *
 * Each call still holds its balance-row locks for one round trip, but on a hot SKU hundreds of such
 * calls queue on one row, and every hand-over costs a commit (a WAL flush) and a wake-up of the next
 * backend: on a loaded 2-core machine that is milliseconds each, and 260 of them in a row made a flash
 * sale take seconds. Calls that arrive while earlier batches are in flight are sent together as one
 * `ledger_batch` call: one round trip, one commit, each call in its own subtransaction so a failing one
 * (insufficient stock) is undone alone. No timer: a call waits only for a batch slot, never for company.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOne } from '../shared/sql.js';

export type LedgerFn = 'ledger_move' | 'ledger_reserve';
/** One item's outcome as ledger_batch reports it. */
export type LedgerBatchItem = { ok: true; r: unknown } | { ok: false; code: string; message: string; detail: string | null };
export type LedgerBatchRow = { r: LedgerBatchItem[] };

interface Pending {
  fn: LedgerFn;
  arg: Record<string, unknown>;
  em: EntityManager;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Batches in flight at once per ORM: a batch stuck behind a long lock does not stop the others. */
const SLOTS = 4;
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

class GroupCommit {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  call<T>(em: EntityManager, fn: LedgerFn, arg: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, arg, em, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= SLOTS || this.queue.length === 0) return;
    this.scheduled = true;
    // Gather every call made in this turn of the event loop before sending.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < SLOTS && this.queue.length > 0) void this.flush(this.queue.splice(0, MAX_BATCH));
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    this.inFlight++;
    try {
      const body = JSON.stringify(batch.map((p) => ({ fn: p.fn, arg: p.arg })));
      for (let i = 1; ; i++) {
        try {
          const row = await sqlOne<LedgerBatchRow>(batch[0]!.em, 'select ledger_batch(?::jsonb) as r', [body]);
          row!.r.forEach((out, k) =>
            out.ok ? batch[k]!.resolve(out.r) : batch[k]!.reject(new LedgerCallError(out.message, out.code, out.detail)),
          );
          return;
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (i >= ATTEMPTS || (code !== '40001' && code !== '40P01')) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** i));
        }
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

const byDriver = new WeakMap<object, GroupCommit>();

/** Runs one ledger function call outside any transaction, grouped with the calls in flight beside it. */
export function groupCommit<T>(em: EntityManager, fn: LedgerFn, arg: Record<string, unknown>): Promise<T> {
  const key = em.getDriver();
  let g = byDriver.get(key);
  if (!g) byDriver.set(key, (g = new GroupCommit()));
  return g.call<T>(em, fn, arg);
}
