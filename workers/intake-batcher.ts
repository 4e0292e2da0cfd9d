import { processDeliveryBatch, waitingDeliveryIds, type BatchIntakeResult } from '../domain/orders/batch-intake.service.js';
import { processDelivery } from '../domain/orders/intake.service.js';
import type { Clock } from '../domain/shared/clock.js';
import { sql, sqlOne } from '../domain/shared/sql.js';
import { withTx, type Orm } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';

export interface IntakeBatcherOptions {
  /** Deliveries per transaction. */
  batchSize: number;
  /** Loops draining side by side (each claims its own batch with SKIP LOCKED). */
  loops: number;
  /** Pause when there was nothing to claim. */
  idleMs: number;
  clock: Clock;
}

export type WaitingRow = { waiting: boolean };

/**
 * Drains stored storefront deliveries in batches (issue 19, goal 2): each loop claims up to batchSize deliveries
 * and imports and allocates them in one transaction (`processDeliveryBatch`). A batch that fails for anything but a
 * retryable conflict (which withTx retries) is taken apart: its deliveries are imported one per transaction, as the
 * webhook-intake job does, so one bad body costs its own attempt and never holds back the rest.
 */
export class IntakeBatcher {
  private running = false;
  private loops: Promise<void>[] = [];
  private wake: (() => void)[] = [];

  constructor(
    private readonly orm: Orm,
    private readonly log: Logger | undefined,
    private readonly o: IntakeBatcherOptions,
  ) {}

  start(): void {
    if (this.running || this.o.loops === 0) return;
    this.running = true;
    this.loops = Array.from({ length: this.o.loops }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await Promise.all(this.loops);
  }

  /** Ends the idle pause of every loop (a new delivery was stored). */
  kick(): void {
    for (const w of this.wake.splice(0)) w();
  }

  /** One batch, taken apart if it fails; returns what it did. */
  async drainOnce(): Promise<BatchIntakeResult> {
    try {
      return await withTx(this.orm.em, (tx) => processDeliveryBatch(tx, this.o.clock, { limit: this.o.batchSize }));
    } catch (err) {
      this.log?.warn({ err }, 'intake batch failed; importing its deliveries one by one');
      const ids = await waitingDeliveryIds(this.orm.em.fork(), this.o.batchSize);
      for (const id of ids) await importOne(this.orm, id, this.log).catch(() => undefined);
      return { claimed: ids.length, created: 0, oneByOne: ids.length, allocated: 0, backordered: 0 };
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        // A cheap look first, so an idle loop costs one indexed read per pause, not a transaction.
        const w = await sqlOne<WaitingRow>(
          this.orm.em.fork(),
          `select exists (select 1 from webhook_delivery where status = 'received' and attempts = 0) as waiting`,
        );
        if (w?.waiting) claimed = (await this.drainOnce()).claimed;
      } catch (err) {
        this.log?.error({ err }, 'intake batch loop');
      }
      if (claimed === 0 && this.running) await new Promise<void>((r) => (this.wake.push(r), setTimeout(r, this.o.idleMs)));
    }
  }
}

/** Imports one delivery in its own transaction; a failure is counted on the row (the sweep stops past JOB_MAX_ATTEMPTS). */
export async function importOne(orm: Orm, deliveryId: string, log?: Logger) {
  return withTx(orm.em, (tx) => processDelivery(tx, deliveryId)).catch(async (err: unknown) => {
    await sql(orm.em.fork(), `update webhook_delivery set attempts = attempts + 1, error = ? where id = ? and status = 'received'`, [
      (err instanceof Error ? err.message : String(err)).slice(0, 2000),
      deliveryId,
    ]).catch(() => undefined);
    log?.warn({ err, deliveryId }, 'delivery import failed');
    throw err;
  });
}
